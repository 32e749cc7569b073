# A test PKI made with the openssl tool while a scenario runs (no key is
# committed): `. pki.sh` in a scenario, then the functions below, all
# working in $PKI (a directory under the scenario's work directory).
#
#   pki_ca NAME SUBJ KEY [ISSUER]   a CA: self-signed, or signed by ISSUER
#   pki_key NAME KEY                a private key NAME.key
#   pki_csr NAME SUBJ               a request NAME.csr for NAME.key
#   pki_sign NAME ISSUER [START END] NAME.csr signed by ISSUER as an end
#                                   entity: NAME.pem (dates YYYYMMDDHHMMSSZ,
#                                   default valid from an hour ago for 30 days)
# KEY is rsa (2048 bits), rsa4096, p256 or p384.
PKI=${PKI:-$(pwd)/pki}
mkdir -p "$PKI"
cat >"$PKI/ext.cnf" <<'XEOF'
[req]
distinguished_name = dn
[dn]
[ca]
basicConstraints = critical, CA:TRUE
keyUsage = critical, keyCertSign, cRLSign
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
[ee]
basicConstraints = CA:FALSE
keyUsage = digitalSignature
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
XEOF

pki_openssl() {
	(cd "$PKI" && openssl "$@") >"$PKI/openssl.out" 2>&1 ||
		{ cat "$PKI/openssl.out"; fail "openssl $*"; }
}

pki_key() {
	case $2 in
	rsa) pki_openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out "$1.key" ;;
	rsa4096) pki_openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:4096 -out "$1.key" ;;
	p256) pki_openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$1.key" ;;
	p384) pki_openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-384 -out "$1.key" ;;
	*) fail "pki_key: unknown key type $2" ;;
	esac
}

pki_csr() {
	pki_openssl req -new -key "$1.key" -subj "$2" -out "$1.csr"
}

# pki_ca_db NAME: the files `openssl ca` keeps for the CA NAME
pki_ca_db() {
	mkdir -p "$PKI/$1.db"
	: >"$PKI/$1.db/index.txt"
	[ -f "$PKI/$1.db/serial" ] || echo 1000 >"$PKI/$1.db/serial"
	cat >"$PKI/$1.db/ca.cnf" <<XEOF
[ca]
default_ca = this
[this]
database = $PKI/$1.db/index.txt
new_certs_dir = $PKI/$1.db
serial = $PKI/$1.db/serial
default_md = sha256
policy = any
unique_subject = no
[any]
countryName = optional
organizationName = optional
commonName = supplied
XEOF
}

# pki_issue NAME ISSUER EXTENSIONS START END
pki_issue() {
	pki_openssl ca -batch -notext -preserveDN -config "$2.db/ca.cnf" -cert "$2.pem" \
		-keyfile "$2.key" -in "$1.csr" -out "$1.pem" -extfile ext.cnf -extensions "$3" \
		-startdate "$4" -enddate "$5"
}

pki_from() { date -u -d "@$(($(date +%s) + $1))" +%Y%m%d%H%M%SZ; }

pki_ca() {
	pki_key "$1" "$3"
	if [ -z "${4:-}" ]; then
		pki_openssl req -x509 -key "$1.key" -subj "$2" -days 60 -sha256 \
			-config ext.cnf -extensions ca -out "$1.pem"
	else
		pki_csr "$1" "$2"
		pki_issue "$1" "$4" ca "$(pki_from -7200)" "$(pki_from 5184000)"
	fi
	pki_ca_db "$1"
}

pki_sign() {
	pki_issue "$1" "$2" ee "${3:-$(pki_from -3600)}" "${4:-$(pki_from 2592000)}"
}
