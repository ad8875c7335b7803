from pixie_launcher.service import main

main()
