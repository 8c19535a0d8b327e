printf "<!DOCTYPE html>\n<html><body>502 Bad Gateway</body></html>\n" > page.html
"$TD" diff page.html page.html
