"""The comparators behind ``pixie_launcher.validation.comparators``, one module per family of outputs."""
