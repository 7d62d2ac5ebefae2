# shellcheck shell=sh
# make install and uninstall (issue 18, items 3 and 4), into a DESTDIR below the case's
# temporary folder: a build remembers its PREFIX; the trust directory is installed as
# Debian installs conffiles and uninstall keeps what the operator changed or added.
# The nested make runs without the outer make's flags (jobserver, SAN=1, ...).

# mk ARGS...: make in the repository, quietly, as a user would run it.
mk() {
	env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL make -s -C "$ROOT" "$@"
}

# The default trust directory is compiled into common.o: building it with another PREFIX
# rebuilds it, the same PREFIX does not. (A build folder of its own: the binary under test
# is not touched.)
install_prefix_rebuilds() {
	o=$PWD/b/src/cli/common.o
	mk B="$PWD/b" PREFIX=/opt/one "$o" >make.log 2>&1 || fail "make: $(cat make.log)"
	grep -aq /opt/one/share/coco-bundle/trust "$o" || fail "PREFIX /opt/one not compiled in"
	t1=$(stat -c %Y.%y "$o")
	sleep 1
	mk B="$PWD/b" PREFIX=/opt/one "$o" >make.log 2>&1 || fail "make: $(cat make.log)"
	[ "$(stat -c %Y.%y "$o")" = "$t1" ] || fail "rebuilt with the same PREFIX"
	mk B="$PWD/b" PREFIX=/opt/two "$o" >make.log 2>&1 || fail "make: $(cat make.log)"
	grep -aq /opt/two/share/coco-bundle/trust "$o" ||
		fail "make PREFIX=/opt/two after /opt/one kept the old trust directory"
	! grep -aq /opt/one/share/coco-bundle/trust "$o" || fail "the old PREFIX is still in"
}
run_case install_prefix_rebuilds install_prefix_rebuilds

# install_data: make install-data into ./dest with PREFIX /p; T is the trust directory.
install_data() {
	mk install-data DESTDIR="$PWD/dest" PREFIX=/p >install.out 2>&1 ||
		fail "install-data: $(cat install.out)"
}
T=dest/p/share/coco-bundle/trust

# An edited policy.xml survives a reinstall (the new default goes beside it); uninstall
# keeps it and everything an operator added, lists them, and removes the rest.
install_keeps_operator_files() {
	install_data
	cmp -s "$ROOT/trust/policy.xml" $T/policy.xml || fail "policy.xml not installed"
	for d in signers siro crl registers bodies; do [ -d $T/$d ] || fail "no $d/"; done
	[ ! -s install.out ] || fail "a fresh install said: $(cat install.out)"
	echo '<!-- edited by the operator -->' >>$T/policy.xml
	cp "$FX/pki/root-ca.pem" $T/signers/sia-approved-ca.pem
	cp "$FX/pki/siro.pem" $T/siro/sia-siro-ca.pem
	echo crl >$T/crl/approved-ca.crl
	snapshot $T | grep -v policy.xml.dist >before.snap
	install_data
	snapshot $T | grep -v policy.xml.dist >after.snap
	cmp -s before.snap after.snap || fail "reinstall changed: $(diff before.snap after.snap)"
	cmp -s "$ROOT/trust/policy.xml" $T/policy.xml.dist || fail "no policy.xml.dist"
	grep -q "kept '.*/trust/policy.xml'.*policy.xml.dist" install.out ||
		fail "install did not say it kept policy.xml: $(cat install.out)"
	cp $T/policy.xml policy.kept
	mk uninstall DESTDIR="$PWD/dest" PREFIX=/p >uninstall.out 2>&1 ||
		fail "uninstall: $(cat uninstall.out)"
	cmp -s policy.kept $T/policy.xml || fail "uninstall removed or changed the edited policy"
	for f in signers/sia-approved-ca.pem siro/sia-siro-ca.pem crl/approved-ca.crl policy.xml; do
		[ -f $T/$f ] || fail "uninstall removed $f"
		grep -q "^  .*/trust/$f\$" uninstall.out || fail "uninstall did not list $f"
	done
	for f in policy.xml.dist README bodies/bodies.xml; do
		[ ! -e $T/$f ] || fail "uninstall left the unchanged $f"
	done
	[ ! -e dest/p/share/coco-bundle/schema ] || fail "uninstall left the schemas"
	[ ! -e dest/p/share/coco-bundle/installed.sha256 ] || fail "uninstall left the record"
	[ ! -e $T/registers ] || fail "uninstall left an empty folder"
}
run_case install_keeps_operator_files install_keeps_operator_files

# A trust file still as an earlier install wrote it is replaced by the new default
# silently; without the record (an older installation), uninstall compares with the
# repository's copies.
install_upgrades_unchanged() {
	install_data
	# as if an earlier release had shipped another policy.xml, unchanged since
	echo '<!-- an earlier default -->' >>$T/policy.xml
	old=$(sha256sum <$T/policy.xml | cut -d' ' -f1)
	sed "s|^[0-9a-f]*  trust/policy.xml\$|$old  trust/policy.xml|" \
		dest/p/share/coco-bundle/installed.sha256 >rec && cp rec dest/p/share/coco-bundle/installed.sha256
	install_data
	cmp -s "$ROOT/trust/policy.xml" $T/policy.xml || fail "the unchanged old default was kept"
	[ ! -e $T/policy.xml.dist ] || fail "a .dist beside an unchanged default"
	[ ! -s install.out ] || fail "install said: $(cat install.out)"
	rm dest/p/share/coco-bundle/installed.sha256
	echo mine >$T/registers/ce.csv
	mk uninstall DESTDIR="$PWD/dest" PREFIX=/p >uninstall.out 2>&1 ||
		fail "uninstall: $(cat uninstall.out)"
	[ -f $T/registers/ce.csv ] || fail "uninstall removed an operator's register"
	[ ! -e $T/policy.xml ] || fail "uninstall left the shipped policy.xml"
	[ "$(find dest/p/share/coco-bundle -type f | wc -l)" -eq 1 ] ||
		fail "left: $(find dest/p/share/coco-bundle -type f)"
}
run_case install_upgrades_unchanged install_upgrades_unchanged
