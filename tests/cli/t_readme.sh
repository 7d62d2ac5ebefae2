# shellcheck shell=sh disable=SC2154 # rc is set by run() in lib.sh
# The README's walk-through, run as a newcomer would (issue 18): the applicant with their own
# CA, key and .p12 made by docs/TRUST.md's recipe, SIA intake, the SIRO and operations. The
# command blocks marked <!-- walkthrough:NAME --> in README.md are extracted (so the README
# cannot drift) and each command is run in turn, with the built binary as `coco-bundle` on
# PATH; that wrapper adds --at (a date taken from the recipe's certificates, never the clock)
# and names the trust directory of the person at the keyboard. Each step's exit status and
# key output lines are asserted.

# readme_block NAME: the commands of README block NAME, one a line: comment lines and trailing
# comments dropped, continuation lines joined, /srv and /var/lib paths moved under $PWD.
readme_block() {
	sed -n "/^<!-- walkthrough:$1\\( \\|-->\\)/,/^\`\`\`\$/p" "$ROOT/README.md" | sed '1,2d;$d' |
		sed -e '/^#/d' -e '/^ *$/d' -e 's/ \{1,\}# .*$//' |
		awk '{ if (sub(/\\$/, "")) { buf = buf $0; next } print buf $0; buf = "" }' |
		sed -e "s| /srv/| $PWD/srv/|g" -e "s| /var/lib/| $PWD/var/lib/|g" >"block.$1"
	[ -s "block.$1" ] || fail "README.md has no walkthrough:$1 block"
	walk_n=0
	walk_block=$1
}

# step PREFIX EXIT: runs the block's next command, which must start with PREFIX, and requires
# its exit status; its output is in ./out and ./err. With WALK_TTY set, on a pseudo-terminal
# that answers a pass-phrase prompt with $WALK_TTY (transcript in ./out).
step() {
	walk_n=$((walk_n + 1))
	cmd=$(sed -n "${walk_n}p" "block.$walk_block")
	case $cmd in "$1"*) ;; *) fail "README $walk_block step $walk_n is '$cmd', want '$1...'" ;; esac
	if [ -n "${WALK_TTY:-}" ]; then
		run python3 "$CLI/ttyrun.py" "$WALK_TTY" out.tty sh -c "$cmd"
		tr -d '\r' <out.tty >out
	else
		run sh -c "$cmd"
	fi
	[ "$rc" -eq "$2" ] || {
		cat out err
		fail "README $walk_block step $walk_n: exit $rc, want $2: $cmd"
	}
}

# block_done: every command of the block was run.
block_done() {
	[ "$walk_n" -eq "$(wc -l <"block.$walk_block")" ] ||
		fail "README $walk_block has commands the test does not run: $(cat "block.$walk_block")"
}

# days DATE N: DATE plus N days (N may be negative), as YYYY-MM-DD.
days() { date -u -d "$1 $2 days" +%Y-%m-%d; }

# The applicant's edit of the skeleton: every placeholder filled in, as $EDITOR.
readme_editor() {
	cat >edit.sh <<'E'
#!/bin/sh
sed -i -e 's|REPLACE: Companies House number|01234567|' \
	-e 's|REPLACE: registered address|1 High Street, Leeds LS1 1AA|' \
	-e 's|REPLACE: telephone|+44 113 496 0000|' -e 's|REPLACE: full name|Jane Director|' \
	-e 's|REPLACE: role, e.g. Director|Director|' \
	-e 's|REPLACE: email|jane.director@example.co.uk|' \
	-e "s|<date>1970-01-01|<date>$WALK_SIGNED|" \
	-e 's|licenceManagementInScope="no"|licenceManagementInScope="yes"|' \
	-e 's|REPLACE: certificate number|CEP-TEST-000123|' \
	-e 's|REPLACE: certification body, as printed|Example Certification Body Ltd - TEST ONLY|' \
	-e 's|REPLACE: holder, as printed|Acme Security Ltd|' \
	-e 's|REPLACE: scope, as printed (e.g. Whole organisation)|Whole organisation|' \
	-e "s|<issued>1970-01-01|<issued>$WALK_ISSUED|" \
	-e "s|<expires>1970-01-01|<expires>$WALK_EXPIRES|" \
	-e "s|<basicIssued>1970-01-01|<basicIssued>$WALK_BASIC|" \
	-e 's|complies="no"|complies="yes"|' \
	-e 's|REPLACE: how you meet \(CoCo-[0-9]*\)|We meet \1 as our policies describe, checked each quarter by the board.|' \
	-e 's|<firewall>no|<firewall>yes|' -e 's|<antivirusUpdates>never|<antivirusUpdates>daily|' \
	-e 's|<automation>yes|<automation>no|' -e 's|<patchWindowDays>9999|<patchWindowDays>14|' \
	-e 's|<hostedIn></hostedIn>|<hostedIn>GB</hostedIn>|' \
	-e 's|<supportedFrom></supportedFrom>|<supportedFrom>GB</supportedFrom>|' \
	-e 's|<dataEntryIn></dataEntryIn>|<dataEntryIn>GB</dataEntryIn>|' \
	-e 's|<maxReportingDelayHours>9999|<maxReportingDelayHours>24|' \
	-e 's|REPLACE: name and email|Jane Director, security@example.co.uk|' "$1"
E
	chmod +x edit.sh
}

# The PKI a newcomer makes with docs/TRUST.md's recipe, in their organisation's name: the
# director's (in ./) and the SIRO's (in siro/, the same recipe with the SIRO's names).
readme_pki() {
	sed -n '/^<!-- recipe: director-ca/,/^```$/p' "$ROOT/docs/TRUST.md" | sed '1,2d;$d' |
		sed 's/Example Guarding Ltd/Acme Security Ltd/g' >recipe.sh
	grep -q 'openssl pkcs12 -export' recipe.sh || fail "recipe not found in docs/TRUST.md"
	P12_PASS=walk-pass sh -e recipe.sh >recipe.log 2>&1 || fail "recipe: $(cat recipe.log)"
	mkdir siro
	sed -e 's/Acme Security Ltd Director CA/SIA SIRO CA/' -e 's/Jane Director/Sam Siro/' \
		-e 's/O=Acme Security Ltd/O=Security Industry Authority/g' recipe.sh >siro/recipe.sh
	(cd siro && P12_PASS=x sh -e recipe.sh >recipe.log 2>&1) || fail "SIRO recipe failed"
	mv siro/director.key siro.key
	mv siro/director.pem siro.pem
	chmod 600 director.key siro.key
	# the applicant's installed trust directory, and SIA's with both CAs added (TRUST.md)
	cp -R "$ROOT/trust" applicant-trust
	cp -R "$ROOT/trust" sia-trust
	mkdir -p sia-trust/signers sia-trust/siro
	cp director-ca.pem sia-trust/signers/
	cp siro/director-ca.pem sia-trust/siro/
}

# `coco-bundle` on PATH: the built binary, with --at $WALK_AT unless the command gives one,
# and the trust directory $WALK_TRUST as the installed one.
readme_wrapper() {
	mkdir bin
	cat >bin/coco-bundle <<'E'
#!/bin/sh
case " $* " in *" --at "*) ;; *)
	case $1 in create | lint | verify | countersign | reverify | extract) set -- "$@" --at "$WALK_AT" ;; esac ;;
esac
COCO_TRUST=$WALK_TRUST exec "$COCO" "$@"
E
	chmod +x bin/coco-bundle
	PATH=$PWD/bin:$PATH
	export PATH
}

readme_applicant() {
	readme_block applicant
	step "coco-bundle init submission/" 0
	[ -f submission/assessment.xml ] || fail "init wrote no submission/assessment.xml"
	step "coco-bundle lint submission/" 1
	for id in assessment.statement assessment.placeholder assessment.reference; do
		grep -q "^fail  *$id" out || fail "lint of the skeleton has no failed $id"
	done
	has_out '^verdict    FAILED'
	step '$EDITOR submission/assessment.xml' 0
	step "cp ~/Downloads/ce-plus.pdf" 0
	step "coco-bundle lint submission/" 0
	has_out '^verdict    PASSED'
	# on a terminal: the pass-phrase is asked for, after lint, naming the file
	WALK_TTY=walk-pass step "coco-bundle create submission/ -o acme-security.coco --p12" 0
	grep -q "Pass-phrase for 'director.p12': " out || fail "create did not ask for the pass-phrase"
	has_out "created 'acme-security.coco'"
	has_out '^[0-9a-f]\{64\}  acme-security.coco$'
	no_out 'walk-pass'
	block_done
}

readme_walkthrough() {
	readme_pki
	readme_editor
	readme_wrapper
	mkdir -p home/Downloads srv/coco/accepted var/lib/coco
	cp "$FX/example/evidence/cyber-essentials-plus.pdf" home/Downloads/ce-plus.pdf
	# the dates: a day after the recipe's certificates start; a CE+ certificate issued a
	# month before, for a year
	at=$(date -u -d "$(openssl x509 -in director.pem -noout -startdate | cut -d= -f2) 1 day" \
		+%Y-%m-%dT%H:%M:%SZ)
	day=${at%%T*}
	WALK_ISSUED=$(days "$day" -30)
	WALK_EXPIRES=$(date -u -d "$WALK_ISSUED 1 year" +%Y-%m-%d)
	export WALK_ISSUED WALK_EXPIRES WALK_BASIC="$(days "$day" -50)" WALK_SIGNED="$(days "$day" -1)"
	export HOME="$PWD/home" EDITOR="$PWD/edit.sh" WALK_AT="$at" WALK_TRUST="$PWD/applicant-trust"

	readme_applicant

	readme_block applicant-pem
	KEY_PASS=unused step "coco-bundle create submission/ -o acme-security.coco" 0
	has_out "created 'acme-security.coco'"
	! grep -q 'not self-signed' err || fail "create: $(cat err)"
	block_done

	WALK_TRUST=$PWD/sia-trust
	export WALK_AT="$(days "$day" 1)"
	readme_block intake
	step "coco-bundle verify acme-security.coco" 0
	has_out '^verdict    PASSED'
	grep -q '^pass  *signer.chain' out || fail "verify: the director's chain did not pass"
	step "coco-bundle verify acme-security.coco --trust sia-trust/" 0
	has_out '^verdict    PASSED'
	step "coco-bundle verify acme-security.coco --format json -o report.json --at" 0
	grep -q '"verdict": "PASSED"' report.json || fail "report.json: not PASSED"
	step "coco-bundle verify acme-security.coco --format html -o sheet.html" 0
	grep -q 'Acme Security Ltd' sheet.html || fail "sheet.html does not name the applicant"
	step "coco-bundle inspect acme-security.coco" 0
	has_out 'evidence/certificate.pdf'
	step "coco-bundle extract acme-security.coco -d received/acme-security" 0
	cmp -s received/acme-security/evidence/certificate.pdf home/Downloads/ce-plus.pdf ||
		fail "extract did not write the certificate PDF"
	block_done

	export WALK_AT="$(days "$day" 2)"
	readme_block siro
	step "coco-bundle countersign acme-security.coco -o acme-security.coco" 0
	step "coco-bundle verify acme-security.coco" 0
	has_out '^decision   APPROVED by Sam Siro on '
	step "coco-bundle verify acme-security.coco --format xml -o report.xml" 0
	xmllint --noout --schema "$ROOT/docs/schema/coco-report-1.xsd" report.xml 2>xml.err ||
		fail "report.xml: $(cat xml.err)"
	block_done

	readme_block operations
	step "cp acme-security.coco" 0
	step "coco-bundle reverify" 0
	grep -q 'acme-security.coco' var/lib/coco/expiry.csv || fail "expiry.csv lacks the bundle"
	# a month before the CE+ certificate expires, the same command says EXPIRING (exit 4)
	WALK_AT=$(days "$WALK_EXPIRES" -30)
	walk_n=1
	step "coco-bundle reverify" 4
	grep -q 'EXPIRING' var/lib/coco/expiry.csv || fail "expiry.csv: not EXPIRING"
	block_done
}
run_case readme_walkthrough readme_walkthrough
