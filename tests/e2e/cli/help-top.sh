LC_ALL=C "$TD" --help
