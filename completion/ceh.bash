# bash completion for ceh(1).  Installed by `make install' as
# $(PREFIX)/share/bash-completion/completions/ceh; or source it.
#
# It completes what ceh itself says, so it follows the binary it runs:
# command names from `ceh --help', each command's options, subcommands
# and option choices (a|b|c) from `ceh COMMAND --help' (in the C locale,
# the usage being the same in every language), unit codes from
# `ceh unit list --format tsv' of the store named on the line (--store
# DIR, else $CEH_STORE), the --stage names of ceh-list(1), application
# ids from `ceh list --format tsv' once some of the id is typed, and
# file names for FILE, DIR and -o.

# The stages `ceh list --stage' takes (ceh-list(1); tests/1835 checks).
_ceh_stages="draft review waiting waiting_employer waiting_supervisor waiting_agency approved rejected returned withdrawn"

# _ceh_run ARGS...: ceh in the C locale on the store of the command line.
_ceh_run() {
	local i store=
	for ((i = 1; i < ${#COMP_WORDS[@]} - 1; i++)); do
		case ${COMP_WORDS[i]} in
		--store) store=${COMP_WORDS[i + 1]} ;;
		--store=*) store=${COMP_WORDS[i]#--store=} ;;
		esac
	done
	# a ~ the shell has not expanded (the word is as typed)
	case $store in "~"/*) store=$HOME/${store#"~/"} ;; esac
	LC_ALL=C "${_ceh_bin:-${COMP_WORDS[0]}}" ${store:+--store "$store"} "$@" 2>/dev/null
}

# The usage of command $1 (what `ceh COMMAND --help' prints first).
_ceh_usage() {
	_ceh_run "$1" --help | sed '/^$/q'
}

# Unit codes of the store.
_ceh_units() {
	_ceh_run unit list --format tsv | awk -F '\t' 'NR > 1 { print $1 }'
}

_ceh() {
	local cur prev cmd= i w usage opts words arg
	COMPREPLY=()
	cur=${COMP_WORDS[COMP_CWORD]}
	prev=${COMP_WORDS[COMP_CWORD - 1]}
	# the command: the first word that is not a global option or its value
	for ((i = 1; i < COMP_CWORD; i++)); do
		w=${COMP_WORDS[i]}
		case $w in
		--store | --wait | --operator) ((i++)) ;;
		-*) ;;
		*) cmd=$w; break ;;
		esac
	done
	if [[ -z $cmd ]]; then
		case $prev in
		--store) COMPREPLY=($(compgen -d -- "$cur")); return ;;
		--wait | --operator) return ;;
		esac
		if [[ $cur == -* ]]; then
			COMPREPLY=($(compgen -W "--store --wait --allow-owner --operator --no-header --help --version" -- "$cur"))
		else
			COMPREPLY=($(compgen -W "$(_ceh_run --help | awk '/^commands:/ { f = 1; next } f && /^  [a-z]/ { print $1 }') help" -- "$cur"))
		fi
		return
	fi
	if [[ $cmd == help ]]; then
		((COMP_CWORD == i + 1)) &&
		    COMPREPLY=($(compgen -W "$(_ceh_run --help | awk '/^commands:/ { f = 1; next } f && /^  [a-z]/ { print $1 }')" -- "$cur"))
		return
	fi
	usage=$(_ceh_usage "$cmd")
	# the value of an option: the word its usage names after it (an
	# upper-case metavariable or choices a|b|c); a flag has none
	if [[ $prev == -* ]]; then
		arg=$(printf '%s\n' "$usage" | tr '[]()' '    ' | tr -s ' \n' '\n\n' |
		    awk -v o="$prev" 'p { print; exit } $0 == o { p = 1 }')
		if [[ $arg == [A-Z]* || ( $arg == *\|* && $arg != \| && $arg != -* ) ]]; then
			case $prev in
			--stage) COMPREPLY=($(compgen -W "$_ceh_stages" -- "$cur")) ;;
			--extract) COMPREPLY=($(compgen -d -- "$cur")) ;;
			*)
				case $arg in
				CODE | UNIT | AGENCY)
					COMPREPLY=($(compgen -W "$(_ceh_units)" -- "$cur")) ;;
				UNIT\|agency)
					COMPREPLY=($(compgen -W "$(_ceh_units) agency" -- "$cur")) ;;
				KIND)
					COMPREPLY=($(compgen -W "employer supervisor agency" -- "$cur")) ;;
				*\|*)
					COMPREPLY=($(compgen -W "${arg//|/ }" -- "$cur")) ;;
				FILE | DIR | SLIP.json)
					COMPREPLY=($(compgen -f -- "$cur"))
					compopt -o filenames 2>/dev/null ;;
				esac ;;	# NAME, YEAR, TEXT...: nothing to offer
			esac
			return 0
		fi
		case $prev in
		--store) COMPREPLY=($(compgen -d -- "$cur")); return 0 ;;
		--wait | --operator) return 0 ;;
		esac
	fi
	if [[ $cur == -* ]]; then
		opts=$(printf '%s\n' "$usage" | grep -o -- '--\?-[a-z][a-z-]*\|-o\b' | sort -u)
		COMPREPLY=($(compgen -W "$opts --store --wait --allow-owner --operator --no-header --help" -- "$cur"))
		return
	fi
	# a subcommand (unit add, key show, site init ...) right after the command
	if ((COMP_CWORD == i + 1)); then
		words=$(printf '%s\n' "$usage" | sed -n "s/^.*ceh $cmd \([a-z][a-z-]*\).*/\1/p" | sort -u)
		if [[ -n $words ]]; then
			COMPREPLY=($(compgen -W "$words" -- "$cur"))
			return
		fi
	fi
	case $cmd/${COMP_WORDS[i + 1]} in
	unit/show | unit/certify | unit/revoke)
		if ((COMP_CWORD == i + 2)); then
			COMPREPLY=($(compgen -W "$(_ceh_units)" -- "$cur"))
			return 0
		fi ;;
	esac
	case $usage in
	*APP*)
		# application ids, once a few characters of the id are typed
		if ((${#cur} >= 2)); then
			COMPREPLY=($(compgen -W "$(_ceh_run list --format tsv | awk -F '\t' 'NR > 1 { print $1 }')" -- "$cur"))
		fi ;;
	*FILE* | *PAYLOAD*)
		COMPREPLY=($(compgen -f -- "$cur")); compopt -o filenames 2>/dev/null ;;
	esac
	return 0
}
complete -F _ceh ceh
