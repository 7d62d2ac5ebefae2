#!/bin/sh
# Installs and uninstalls coco-bundle's data: the XSDs (DATADIR/schema/) and the default
# trust directory (DATADIR/trust/), without ever losing what an operator put there.
#   sh scripts/install-data.sh install DATADIR     (run from the repository root)
#   sh scripts/install-data.sh uninstall DATADIR
# DATADIR includes any DESTDIR. Every file install writes is recorded with its SHA-256 in
# DATADIR/installed.sha256.
#
# install: a schema is always replaced. A trust file (policy.xml, bodies/bodies.xml, README)
# is treated as Debian treats a conffile: installed where absent, replaced where it is still
# the one an earlier install wrote (its SHA-256 is in the record), and otherwise kept, with
# the new default written beside it as NAME.dist (and said so). signers/, siro/, crl/ and
# registers/ are created empty; nothing in them is touched.
#
# uninstall: removes a file only if it is still exactly what install wrote (the record; for
# an installation older than the record, the same as the repository's copy), then the
# folders left empty. Every other file is kept and listed: the ones an operator changed or
# added (anchors, CRLs, an edited policy).
set -eu

usage() {
	echo "usage: sh scripts/install-data.sh install|uninstall DATADIR" >&2
	exit 2
}
[ $# -eq 2 ] || usage
mode=$1
D=$2
REC=$D/installed.sha256
new_rec=

sum() { sha256sum <"$1" | cut -d' ' -f1; }

# recorded REL: the SHA-256 the record holds for REL (nothing if none).
recorded() {
	[ -f "$REC" ] || return 0
	awk -v p="$1" '$2 == p { print $1; exit }' "$REC"
}

# put SRC REL: installs SRC as D/REL (mode 0644) and records it.
put() {
	install -m 0644 "$1" "$D/$2"
	printf '%s  %s\n' "$(sum "$1")" "$2" >>"$new_rec"
}

# conffile SRC REL: a trust file, installed only where it does not replace an edit.
conffile() {
	dest=$D/$2
	if [ ! -e "$dest" ] && [ ! -h "$dest" ]; then
		put "$1" "$2"
	elif cmp -s "$1" "$dest"; then
		printf '%s  %s\n' "$(sum "$1")" "$2" >>"$new_rec"
	elif [ -f "$dest" ] && [ "$(sum "$dest")" = "$(recorded "$2")" ]; then
		put "$1" "$2" # unchanged since the last install: the new default replaces it
	else
		put "$1" "$2.dist"
		echo "install: kept '$dest', which was changed since it was installed;" \
			"the new default is '$dest.dist'"
	fi
}

do_install() {
	install -d -m 0755 "$D/schema"
	(cd trust && find . -type d) | while IFS= read -r d; do
		install -d -m 0755 "$D/trust/${d#./}"
	done
	new_rec=$(mktemp "$D/.installed.XXXXXX")
	for f in docs/schema/*.xsd; do
		put "$f" "schema/${f##*/}"
	done
	# the .keep files only hold empty folders in git
	(cd trust && find . -type f ! -name '.*' | LC_ALL=C sort) | while IFS= read -r f; do
		conffile "trust/${f#./}" "trust/${f#./}"
	done
	# An earlier record's files that this install did not write (a .dist, a schema no
	# longer shipped) stay recorded while they are unchanged, so that uninstall removes them.
	if [ -f "$REC" ]; then
		while read -r s rel; do
			if ! awk -v p="$rel" '$2 == p { f = 1 } END { exit !f }' "$new_rec" &&
				[ -f "$D/$rel" ] && [ "$(sum "$D/$rel")" = "$s" ]; then
				printf '%s  %s\n' "$s" "$rel" >>"$new_rec"
			fi
		done <"$REC"
	fi
	chmod 0644 "$new_rec"
	mv "$new_rec" "$REC"
}

# removable REL: D/REL is what install wrote.
removable() {
	if [ -f "$REC" ]; then
		s=$(recorded "$1")
		[ -n "$s" ] && [ "$(sum "$D/$1")" = "$s" ]
	else
		case $1 in
		schema/*) cmp -s "docs/$1" "$D/$1" ;;
		trust/*) cmp -s "$1" "$D/$1" ;;
		*) return 1 ;;
		esac
	fi
}

do_uninstall() {
	[ -d "$D" ] || return 0
	list=$(mktemp)
	(cd "$D" && find . -type f ! -name installed.sha256 | LC_ALL=C sort) >"$list"
	kept=0
	while IFS= read -r f; do
		rel=${f#./}
		if removable "$rel"; then
			rm -f "$D/$rel"
			continue
		fi
		[ "$kept" -gt 0 ] || echo "uninstall: kept these files, changed or added since install:"
		echo "  $D/$rel"
		kept=$((kept + 1))
	done <"$list"
	rm -f "$list" "$REC"
	find "$D" -depth -type d -empty -exec rmdir {} \;
	if [ "$kept" -gt 0 ]; then
		echo "uninstall: $kept file(s) kept in '$D'; remove them by hand if no longer needed"
	fi
}

case $mode in
install) do_install ;;
uninstall) do_uninstall ;;
*) usage ;;
esac
