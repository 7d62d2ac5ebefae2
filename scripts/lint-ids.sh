#!/bin/sh
# Modules meet through data, never through finding ids or messages (STYLE.md, "Seams
# between modules"; docs/ARCHITECTURE.md, "Outcomes as data"). This refuses, in the C
# sources given (default: src/), every string comparison (strcmp, strncmp, strcasecmp,
# strncasecmp, strstr, memcmp) whose arguments are a finding's id or message:
#   - coco_finding_id() or coco_finding_message();
#   - a member named id, message, msg or why (f->id, findings[i].id), but not a scheme's
#     id (schemes[i].id: policy data, not a finding);
#   - a variable named why, msg or message;
#   - a string literal shaped like a finding id ("signer.expired": a group of
#     docs/checks.md, a dot, a name; file names such as "assessment.xml" are not);
# and every coco_report_find() call, the report's lookup by id.
# A call split over lines is joined (up to six lines) before it is matched.
#
# Exempt, and why (the allow-list is this variable, kept short on purpose):
#   src/lib/report/report.c  the finding store itself: coco_report_find and the
#                            summaries of many findings of one id are its job.
ALLOW=${LINT_IDS_ALLOW-'src/lib/report/report.c'}

set -u
[ $# -gt 0 ] || set -- src
files=$(find "$@" -name '*.c' | sort)
status=0
for f in $files; do
	case " $ALLOW " in *" ${f#./} "*) continue ;; esac
	awk -v file="$f" '
	function report(text) {
		printf "%s:%d: decision on a finding id or message: %s\n", file, start, text
		bad = 1
	}
	function check(text,   t) {
		t = text
		gsub(/schemes\[[^]]*\]\.id/, "", t)
		if (t ~ /coco_report_find[ \t]*\(/ ||
		    t ~ /coco_finding_(id|message)[ \t]*\(/ ||
		    t ~ /(->|\.)(id|message|msg|why)([^A-Za-z0-9_]|$)/ ||
		    t ~ /[(,][ \t]*(why|msg|message)[ \t]*[,)]/)
			return report(text)
		gsub(/"[a-z_]+\.(xml|xsd|pdf|p7s|txt|json|html|csv|pem|crl)"/, "", t)
		if (t ~ /"(container|manifest|signature|signer|verify|assessment|evidence|signoff|pdf|report)\.[a-z_0-9]+"/)
			report(text)
	}
	function depth(s,   o, c) {
		o = gsub(/\(/, "(", s)
		c = gsub(/\)/, ")", s)
		return o - c
	}
	{
		if (call == "") {
			if ($0 !~ /(^|[^A-Za-z0-9_])(str(n)?(case)?cmp|strstr|memcmp|coco_report_find)[ \t]*\(/)
				next
			if ($0 ~ /^[a-z].*coco_report_find[ \t]*\(const/)
				next # a definition, not a call
			match($0, /(str(n)?(case)?cmp|strstr|memcmp|coco_report_find)[ \t]*\(/)
			call = substr($0, RSTART)
			start = NR
			lines = 1
		} else {
			call = call " " $0
			lines++
		}
		if (depth(call) <= 0 || lines >= 6) {
			check(call)
			call = ""
		}
	}
	END { exit bad }
	' "$f" || status=1
done
if [ $status -ne 0 ]; then
	echo 'lint: a decision compares a finding id or message: return an outcome (an enum, a struct) instead (docs/ARCHITECTURE.md)' >&2
fi
exit $status
