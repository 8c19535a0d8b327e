LC_ALL=C "$TD" show --help
