"$TD" formats
