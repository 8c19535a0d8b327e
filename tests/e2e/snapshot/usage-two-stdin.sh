"$TD" snapshot - - < /dev/null
