from pixie_web.server import main

main()
