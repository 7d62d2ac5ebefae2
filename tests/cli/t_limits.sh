# shellcheck shell=sh disable=SC2154 # rc is set by run() in lib.sh
# The command line's own limits (docs/SECURITY.md): a pass-phrase of 1,024 bytes is taken
# from every source and 1,025 are refused with a clear error, never cut short; reverify's
# --within and -j at their bounds (one past them: t_reverify.sh, reverify_usage).

# repeat N CHAR: N copies of CHAR.
repeat() {
	awk -v n="$1" -v c="$2" 'BEGIN { while (n-- > 0) printf "%s", c }'
}

limits_pass_phrase() {
	for n in 1024 1025; do
		pw=$(repeat "$n" p)
		# PKCS#8 takes the whole pass-phrase (openssl's PEM callback would cut it at 1024)
		openssl pkcs8 -topk8 -v2 aes256 -in "$FX/pki/director.key" -out "k$n.key" \
			-passout "pass:$pw" 2>openssl.err || fail "openssl: $(cat openssl.err)"
		chmod 600 "k$n.key"
		printf '%s\n' "$pw" >"lf$n"
		printf '%s\r\n' "$pw" >"crlf$n"
		export "COCO_TEST_PASS=$pw"
		for src in "pass:$pw" env:COCO_TEST_PASS "file:lf$n" "file:crlf$n"; do
			run "$COCO" create "$FX/example" -o "b$n.coco" --key "k$n.key" \
				--cert "$FX/pki/director.pem" --chain "$FX/pki/chain.pem" \
				--at 2027-01-01T09:00:00Z --trust "$FX/trust" --pass "$src"
			if [ "$n" -eq 1024 ]; then
				[ "$rc" -eq 0 ] || fail "1024 bytes (${src%%:*}): exit $rc: $(cat err)"
			else
				[ "$rc" -eq 2 ] || fail "1025 bytes (${src%%:*}): exit $rc, want 2"
				has_err "the pass-phrase is longer than 1024 bytes"
				[ ! -e "b$n.coco" ] || fail "1025 bytes (${src%%:*}): output written"
			fi
			rm -f "b$n.coco"
		done
	done
}
run_case limits_pass_phrase limits_pass_phrase

limits_reverify_bounds() {
	mkdir reg
	create_bundle reg/a.coco
	run "$COCO" reverify reg --trust "$FX/trust" --at 2027-06-01 --within 36500 -j 64
	[ "$rc" -eq 4 ] || fail "exit $rc, want 4 (EXPIRING within 36500 days): $(cat err)"
	has_out "expiring within 36500 days"
}
run_case limits_reverify_bounds limits_reverify_bounds
