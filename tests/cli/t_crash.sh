# shellcheck shell=sh disable=SC2154 # rc is set by run() in lib.sh
# Crash safety. Every command that writes is killed with SIGKILL at each step of the
# atomic-write protocol the library reports: COCO_TEST_PAUSE=PHASE:N makes the program
# stop itself the N-th time it reaches PHASE, and every PHASE:N that a complete run
# reaches is one kill point (a run that ends without stopping closes the list for that
# phase). A larger create, countersign and extract are also killed at pseudo-random
# moments (fixed seed), to catch steps no phase names. After every kill: the target is absent or
# byte for byte the old file until the rename, and the complete new output from then on;
# what is left besides is named .coco-tmp-* and reverify passes over it without a word;
# and running the command again succeeds. Each case logs its counts: see them with
#   CLI_NOTES=1 COCO=$PWD/build/coco-bundle sh tests/cli/run.sh crash_

PHASES="tmp-created copied chunk entry written synced renamed done"
SIGN_AT=2027-01-01T09:00:00Z

# proc_state PID: PID's one-letter state (R, S, T, Z, ...), or nothing once it is gone.
proc_state() {
	sed -n 's/.*) \(.\).*/\1/p' "/proc/$1/stat" 2>/dev/null
}

# stop_or_end PID: prints "stopped" when PID has stopped itself for COCO_TEST_PAUSE (state
# T, and its line in ./err; a sanitizer's ptrace stop at exit is state t), "ended" when it
# ends, or "timeout" after about 30 seconds of neither, so that no case can hang.
stop_or_end() {
	polls=0
	while [ "$polls" -lt 3000 ]; do
		case $(proc_state "$1") in
		T)
			if grep -q 'COCO_TEST_PAUSE: stopping at' err; then
				echo stopped
				return 0
			fi
			;;
		Z | "")
			echo ended
			return 0
			;;
		esac
		sleep 0.01
		polls=$((polls + 1))
	done
	echo timeout
}

# pause_kill SPEC CMD...: runs CMD with COCO_TEST_PAUSE=SPEC. If it stops there, kills it
# (SIGKILL) and returns 0; if it ends without reaching SPEC, returns 1 with its exit
# status in $rc. Its output is in ./out and ./err.
pause_kill() {
	spec=$1
	shift
	COCO_TEST_PAUSE=$spec "$@" >out 2>err &
	pid=$!
	how=$(stop_or_end "$pid")
	if [ "$how" = ended ]; then
		wait "$pid"
		rc=$?
		return 1
	fi
	kill -9 "$pid"
	wait "$pid" 2>/dev/null
	[ "$how" = stopped ] || fail "$* did not stop at $spec"
	kills=$((kills + 1))
	return 0
}

# names DIR: the names in DIR but the temporary ones, sorted, one a line.
names() { (cd "$1" && find . -mindepth 1 -maxdepth 1 ! -name '.coco-tmp-*' | LC_ALL=C sort); }

# tmp_names DIR: the temporary names in DIR, sorted, one a line.
tmp_names() { find "$1" -mindepth 1 -maxdepth 1 -name '.coco-tmp-*' | LC_ALL=C sort; }

# leftovers DIR BASE MIN MAX: DIR holds between MIN and MAX temporary names, each
# .coco-tmp-BASE.XXXXXX; they are added to $left.
leftovers() {
	found=0
	for f in "$1"/.coco-tmp-*; do
		[ -e "$f" ] || continue
		case ${f##*/} in
		.coco-tmp-"$2".??????) ;;
		*) fail "leftover '$f' is not named .coco-tmp-$2.XXXXXX" ;;
		esac
		found=$((found + 1))
	done
	if [ "$found" -lt "$3" ] || [ "$found" -gt "$4" ]; then
		fail "$found temporary names in $1, want $3 to $4"
	fi
	left=$((left + found))
}

# rv_skips DIR: reverify of DIR succeeds and says nothing of a temporary name.
rv_skips() {
	run "$COCO" reverify "$1" --trust "$FX/trust" --at 2027-06-01
	[ "$rc" -eq 0 ] || {
		cat out err
		fail "reverify $1: exit $rc"
	}
	! grep -q 'coco-tmp' out err || fail "reverify mentions a temporary name: $(cat out err)"
}

# passed BUNDLE: verify says PASSED.
passed() {
	verify_json "$1"
	[ "$rc" -eq 0 ] || {
		grep '"status": "fail' out
		fail "$1: verify exit $rc"
	}
}

# ---- the hook itself -----------------------------------------------------------------------

# A bad COCO_TEST_PAUSE is a usage error before anything is written; a program stopped by
# it and continued (SIGCONT) finishes exactly as without it.
crash_hook() {
	for bad in bogus entry:0 entry:x entry:-1 entry: :1 "done:1 "; do
		COCO_TEST_PAUSE=$bad expect 2 "$COCO" init sub
		one_line_err
		has_err "invalid COCO_TEST_PAUSE"
		[ ! -e sub ] || fail "init wrote with COCO_TEST_PAUSE='$bad'"
	done
	create_bundle new.coco
	COCO_TEST_PAUSE=synced "$COCO" create "$FX/example" -o b.coco --key "$FX/pki/director.key" \
		--cert "$FX/pki/director.pem" --chain "$FX/pki/chain.pem" --at 2027-01-01T09:00:00Z \
		--trust "$FX/trust" >out 2>err &
	pid=$!
	[ "$(stop_or_end "$pid")" = stopped ] || fail "create did not stop at 'synced'"
	has_err "^coco-bundle: COCO_TEST_PAUSE: stopping at synced:1 of b.coco\$"
	[ ! -e b.coco ] || fail "b.coco exists before the rename"
	kill -CONT "$pid"
	wait "$pid" || fail "create continued from 'synced' failed: $(cat err)"
	cmp -s b.coco new.coco || fail "create continued from 'synced' wrote another bundle"
	no_tmp_files
}
run_case crash_hook crash_hook

# ---- single-file outputs: bundles and -o reports ------------------------------------------

# prep: a fresh w/ with $IN as w/in.coco (if set) and $OLD as $OUT (if set).
prep() {
	rm -rf w
	mkdir w
	[ -z "$IN" ] || cp "$IN" w/in.coco
	[ -z "$OLD" ] || cp "$OLD" "$OUT"
	names w >prep.names
}

# killed PHASE CMD...: the checks after CMD was killed at PHASE (the k-th time).
killed() {
	ph=$1
	shift
	base=${OUT##*/}
	case $ph in
	renamed | done)
		cmp -s "$OUT" "$NEW" || fail "$ph:$k: $OUT is not the complete new output"
		{
			cat prep.names
			echo "./$base"
		} | LC_ALL=C sort -u >want.names
		leftovers w "$base" 0 0
		;;
	*)
		if [ -n "$OLD" ]; then
			cmp -s "$OUT" "$OLD" || fail "$ph:$k: the existing $OUT changed"
		else
			[ ! -e "$OUT" ] || fail "$ph:$k: $OUT exists"
		fi
		cp prep.names want.names
		leftovers w "$base" 1 1
		;;
	esac
	names w >got.names
	cmp -s want.names got.names || fail "$ph:$k: unexpected files: $(diff want.names got.names)"
	rv_skips w
	# A rerun is not blocked by what the kill left, and adds no temporary name of its own.
	tmp_names w >before.rerun
	expect 0 "$@"
	tmp_names w >after.rerun
	cmp -s before.rerun after.rerun || fail "$ph:$k: the rerun changed the temporary names"
	case $OUT:$ph in
	w/in.coco:renamed | w/in.coco:done) passed "$OUT" ;; # signed off twice now
	*) cmp -s "$OUT" "$NEW" || fail "$ph:$k: the rerun's output differs" ;;
	esac
}

# crash_points LABEL CMD...: kills CMD at every PHASE:N it reaches and logs the count.
# Set IN, OLD, OUT and NEW first (NEW: the output of a complete run).
crash_points() {
	label=$1
	shift
	kills=0
	left=0
	: >points
	for ph in $PHASES; do
		k=1
		while :; do
			prep
			pause_kill "$ph:$k" "$@" || break
			killed "$ph" "$@"
			k=$((k + 1))
		done
		[ "$rc" -eq 0 ] || {
			cat out err
			fail "$* with COCO_TEST_PAUSE=$ph:$k: exit $rc"
		}
		cmp -s "$OUT" "$NEW" || fail "COCO_TEST_PAUSE=$ph:$k: the output differs"
		[ "$k" -eq 1 ] || printf '%s:%d ' "$ph" $((k - 1)) >>points
	done
	echo "NOTE $label: $kills kill points ($(cat points)), $left temporary files left"
	[ "$kills" -gt 0 ] || fail "no kill point"
}

CREATE_KEY="--key $FX/pki/director.key --cert $FX/pki/director.pem --chain $FX/pki/chain.pem"
SIRO_KEY="--key $FX/pki/siro.key --cert $FX/pki/siro.pem --decision approved --confirm-statements"

crash_create() {
	# shellcheck disable=SC2086 # CREATE_KEY is a list of words without blanks
	set -- "$COCO" create "$FX/example" $CREATE_KEY --trust "$FX/trust"
	expect 0 "$@" -o new.coco --at "$SIGN_AT"
	passed new.coco
	expect 0 "$@" -o old.coco --at 2027-01-02T09:00:00Z
	! cmp -s new.coco old.coco || fail "old and new bundles are the same"
	IN="" NEW=new.coco OUT=w/b.coco
	OLD="" crash_points "create, no existing output" "$@" -o w/b.coco --at "$SIGN_AT"
	OLD=old.coco crash_points "create over an existing bundle" "$@" -o w/b.coco --at "$SIGN_AT"
}
run_case crash_create crash_create

crash_countersign() {
	# shellcheck disable=SC2086 # SIRO_KEY is a list of words without blanks
	set -- "$COCO" countersign w/in.coco $SIRO_KEY --trust "$FX/trust" \
		--at 2027-02-01T09:00:00Z -o
	create_bundle in.coco
	mkdir w
	cp in.coco w/
	expect 0 "$@" w/new.coco
	mv w/new.coco new.coco
	passed new.coco
	IN=in.coco NEW=new.coco OUT=w/c.coco
	OLD="" crash_points "countersign, no existing output" "$@" w/c.coco
	OLD=in.coco crash_points "countersign over an existing file" "$@" w/c.coco
	OUT=w/in.coco OLD=in.coco crash_points "countersign in place" "$@" w/in.coco
}
run_case crash_countersign crash_countersign

# reference CMD... -o FILE: runs CMD in a fresh w/ holding in.coco; its FILE is ./new.
reference() {
	rm -rf w
	mkdir w
	cp in.coco w/
	expect 0 "$@"
	eval "mv \"\${$#}\" new"
	rm -r w
}

crash_reports() {
	create_bundle in.coco
	printf 'an older report\n' >old.txt
	IN=in.coco NEW=new OLD=old.txt
	set -- "$COCO" verify w/in.coco --trust "$FX/trust" --at 2027-06-01 --format json -o w/r
	reference "$@"
	OUT=w/r OLD="" crash_points "verify -o, no existing output" "$@"
	OUT=w/r OLD=old.txt crash_points "verify -o over an existing file" "$@"
	set -- "$COCO" lint "$FX/example" --trust "$FX/trust" --at 2027-06-01 -o w/r
	reference "$@"
	OUT=w/r crash_points "lint -o over an existing file" "$@"
	set -- "$COCO" reverify w --trust "$FX/trust" --at 2027-06-01 --format csv -o w/r
	reference "$@"
	OUT=w/r crash_points "reverify -o over an existing file" "$@"
}
run_case crash_reports crash_reports

# ---- folders: init and extract ------------------------------------------------------------

# tree DIR: snapshot of DIR without temporary names (nothing if DIR does not exist).
tree() {
	[ ! -d "$1" ] || snapshot "$1" | grep -v '/\.coco-tmp-'
}

# folder_killed TARGET INNER: the checks after a kill. TARGET is as $PREP left it (lines
# matching $SPARE aside), or exactly ref.snap; temporary names are .coco-tmp-BASE.XXXXXX
# beside TARGET, or .coco-tmp-INNER.XXXXXX inside it.
folder_killed() {
	snapshot w | grep -v '/\.coco-tmp-' | grep -vx "$SPARE" >got.snap
	if ! cmp -s want.snap got.snap; then
		tree "$1" >got.snap
		cmp -s ref.snap got.snap ||
			fail "$ph:$k: $1 is neither as it was nor complete: $(diff ref.snap got.snap)"
	fi
	leftovers w "${1##*/}" 0 1
	[ ! -d "$1" ] || leftovers "$1" "$2" 0 1
	rv_skips w
}

# folder_points LABEL TARGET INNER CMD...: kills CMD, which writes the folder TARGET below
# w/ (after the command $PREP), at every PHASE:N it reaches; then runs it again, unless
# TARGET was already complete, and requires the reference content in ref.snap.
folder_points() {
	label=$1 target=$2 inner=$3
	shift 3
	kills=0
	left=0
	: >points
	for ph in $PHASES; do
		k=1
		while :; do
			rm -rf w
			mkdir w
			$PREP
			snapshot w | grep -vx "$SPARE" >want.snap
			pause_kill "$ph:$k" "$@" || break
			folder_killed "$target" "$inner"
			tree "$target" >got.snap
			cmp -s ref.snap got.snap || expect 0 "$@"
			tree "$target" >got.snap
			cmp -s ref.snap got.snap || fail "$ph:$k: after the rerun, $target differs"
			k=$((k + 1))
		done
		[ "$rc" -eq 0 ] || {
			cat out err
			fail "$* with COCO_TEST_PAUSE=$ph:$k: exit $rc"
		}
		[ "$k" -eq 1 ] || printf '%s:%d ' "$ph" $((k - 1)) >>points
	done
	echo "NOTE $label: $kills kill points ($(cat points)), $left temporary names left"
	[ "$kills" -gt 0 ] || fail "no kill point"
}

crash_init() {
	set -- "$COCO" init w/sub --org "Example Guarding Ltd"
	expect 0 "$COCO" init ref --org "Example Guarding Ltd"
	snapshot ref >ref.snap
	SPARE='' PREP=: folder_points "init of a new folder" w/sub assessment.xml "$@"
	# In an existing folder the empty subfolders come first, assessment.xml last.
	SPARE='\./sub/evidence\|\./sub/policies' PREP="mkdir w/sub" \
		folder_points "init of an existing folder" w/sub assessment.xml "$@"
}
run_case crash_init crash_init

crash_extract() {
	create_bundle in.coco
	set -- "$COCO" extract in.coco -d w/dest --trust "$FX/trust" --at 2027-06-01
	mkdir w
	expect 0 "$@"
	snapshot w/dest >ref.snap
	SPARE='' PREP=: folder_points "extract to a new folder" w/dest extract "$@"
	SPARE='' PREP="mkdir w/dest" folder_points "extract into an existing folder" w/dest \
		extract "$@"
}
run_case crash_extract crash_extract

# ---- random kills -------------------------------------------------------------------------

# next_rand: the next number of a fixed pseudo-random sequence in $seed (C's example LCG).
next_rand() { seed=$(((seed * 1103515245 + 12345) % 2147483648)); }

# state PATH: a checksum of the file or the folder tree at PATH, or "absent".
state() {
	if [ -d "$1" ]; then
		tree "$1" | cksum
	elif [ -e "$1" ]; then
		cksum <"$1"
	else
		echo absent
	fi
}

# random_kills LABEL COUNT MAX_MS CMD...: COUNT times, in a fresh w/ holding $OLD as $OUT
# (no $OUT if OLD is empty), runs CMD and kills it (SIGKILL) after a pseudo-random 0 to
# MAX_MS ms, which may be after it ended. Then $OUT is as it was or exactly $NEW (a file
# or a folder); any temporary name is .coco-tmp-BASE.XXXXXX and reverify skips it.
# Finally a run to the end gives $NEW.
random_kills() {
	label=$1 count=$2 max=$3
	shift 3
	base=${OUT##*/}
	olds=0 news=0 left=0 n=0
	new_state=$(state "$NEW")
	while :; do
		rm -rf w
		mkdir w
		[ -z "$OLD" ] || cp "$OLD" "$OUT"
		old_state=$(state "$OUT")
		[ "$n" -lt "$count" ] || break
		next_rand
		ms=$((seed / 65536 % max))
		"$@" >out 2>err &
		pid=$!
		sleep "$((ms / 1000)).$(printf '%03d' $((ms % 1000)))"
		kill -9 "$pid" 2>/dev/null
		wait "$pid" 2>/dev/null
		case $(state "$OUT") in
		"$old_state") olds=$((olds + 1)) ;;
		"$new_state") news=$((news + 1)) ;;
		*) fail "kill after $ms ms: $OUT is neither as it was nor complete" ;;
		esac
		leftovers w "$base" 0 1
		[ "$found" -eq 0 ] || rv_skips w
		n=$((n + 1))
	done
	expect 0 "$@"
	[ "$(state "$OUT")" = "$new_state" ] || fail "the run to the end differs"
	case $OUT in *.coco) passed "$OUT" ;; esac
	echo "NOTE random kills, $label: $count kills: $olds left the target as it was, $news" \
		"complete, $left temporary names left, 0 partial or changed outputs"
}

crash_random() {
	here=$(pwd)
	# A larger submission: the sample plus four 8 MiB evidence PDFs (bench/workload.sh).
	# shellcheck disable=SC1091 # sourced from $ROOT
	(cd "$ROOT" && . bench/workload.sh && make_workload "$here/big" 4 8388608 7) ||
		fail "cannot make the workload"
	# shellcheck disable=SC2086 # CREATE_KEY is a list of words without blanks
	set -- "$COCO" create big $CREATE_KEY --trust "$FX/trust" -o
	expect 0 "$@" new.coco --at "$SIGN_AT"
	expect 0 "$@" old.coco --at 2027-01-02T09:00:00Z
	seed=20271
	OUT=w/b.coco OLD=old.coco NEW=new.coco random_kills "create" 24 250 \
		"$@" w/b.coco --at "$SIGN_AT"
	# shellcheck disable=SC2086 # SIRO_KEY is a list of words without blanks
	set -- "$COCO" countersign w/b.coco $SIRO_KEY --trust "$FX/trust" \
		--at 2027-02-01T09:00:00Z -o w/b.coco
	mkdir -p w
	cp new.coco w/b.coco
	expect 0 "$@"
	mv w/b.coco signed.coco
	OUT=w/b.coco OLD=new.coco NEW=signed.coco random_kills "countersign in place" 16 300 "$@"
	set -- "$COCO" extract signed.coco -d w/d --trust "$FX/trust" --at 2027-06-01
	expect 0 "$@"
	mv w/d extracted
	OUT=w/d OLD="" NEW=extracted random_kills "extract to a new folder" 16 300 "$@"
}
run_case crash_random crash_random
