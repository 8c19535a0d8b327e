"$TD" formats --format json
