printf "{\"error\": \"unauthorized\"}\n" > err.json
"$TD" show err.json
