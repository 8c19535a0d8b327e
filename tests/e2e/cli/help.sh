LC_ALL=C "$TD" diff --help
