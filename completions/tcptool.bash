# bash completion for tcptool(1)                            -*- shell-script -*-
# Options mirror src/options.def; tests/docs.bats fails when they drift.

# Sets words and cword to the words as typed: bash splits "::1" and
# "--timeout=5s" at ':' and '=' (COMP_WORDBREAKS); this joins them again.
_tcptool_words()
{
    local line=${COMP_LINE:0:COMP_POINT} rest lead w i
    rest=$line
    words=()
    for ((i = 0; i < ${#COMP_WORDS[@]} && i <= COMP_CWORD; i++)); do
        w=${COMP_WORDS[i]}
        lead=${rest%%[![:space:]]*}
        rest=${rest#"$lead"}
        if ((${#words[@]} > 0)) && [[ -z $lead ]]; then
            words[${#words[@]} - 1]+=$w
        else
            words+=("$w")
        fi
        rest=${rest#"$w"}
    done
    # The cursor right after a space starts a new, empty word.
    [[ $line == *[[:space:]] && -n ${words[${#words[@]} - 1]} ]] && words+=("")
    cword=$((${#words[@]} - 1))
}

# COMPREPLY := the words of $1 that start with $cur.
_tcptool_reply()
{
    mapfile -t COMPREPLY < <(compgen -W "$1" -- "$cur")
}

# COMPREPLY := the descriptors of this shell that are sockets, for --fd;
# $1 is what is typed so far.
_tcptool_fds()
{
    local f fds=()
    for f in /proc/"${BASHPID:-$$}"/fd/*; do
        [[ -S $f ]] && fds+=("${f##*/}")
    done
    mapfile -t COMPREPLY < <(compgen -W "${fds[*]}" -- "$1")
}

# COMPREPLY := the socket option names (-O) that complete the last piece of
# the comma list in $1, with the congestion control algorithms this kernel
# has after "congestion=" and the interfaces after "bind-device=".
_tcptool_sockopts()
{
    local head='' last=$1 names w
    names='nodelay cork quickack sndbuf= rcvbuf= mss= congestion= keepalive keepalive= user-timeout= linger= fastopen ttl= tos= reuseport bind-device= notsent-lowat= defer-accept= window-clamp='
    [[ $1 == *,* ]] && head=${1%,*}, last=${1##*,}
    case $last in
    congestion=*)
        w=$(cat /proc/sys/net/ipv4/tcp_available_congestion_control 2>/dev/null)
        mapfile -t COMPREPLY < <(compgen -P congestion= -W "${w:-reno cubic bbr}" -- "${last#congestion=}")
        ;;
    bind-device=*)
        w=$(ls /sys/class/net 2>/dev/null)
        mapfile -t COMPREPLY < <(compgen -P bind-device= -W "$w" -- "${last#bind-device=}")
        ;;
    *=*) COMPREPLY=() ;;
    *) mapfile -t COMPREPLY < <(compgen -W "$names" -- "$last") ;;
    esac
    COMPREPLY=("${COMPREPLY[@]/#/$head}")
    # A name that takes a value: the cursor stays after its '='.
    [[ ${COMPREPLY[0]} == *= ]] && compopt -o nospace 2>/dev/null
    return 0
}

# COMPREPLY := the TCP state names that complete the last of the
# comma-separated names in $1 ("established,time-w").
_tcptool_states()
{
    local head=''
    local states='established syn-sent syn-recv fin-wait-1 fin-wait-2 time-wait close close-wait last-ack listen closing'
    [[ $1 == *,* ]] && head=${1%,*},
    mapfile -t COMPREPLY < <(compgen -W "$states" -- "${1##*,}")
    COMPREPLY=("${COMPREPLY[@]/#/$head}")
}

_tcptool()
{
    local -a words
    local cword cur prev cmd='' i w nargs=0 dashdash=''
    local common='-4 -6 -v --verbose -q --quiet --json -h --help'
    local top="$common --version"
    local relay_opts='-i --interval --rate --read-rate --progress --no-progress --load --discard --verify'
    local trace_opts='--trace --ladder --pcap -O --sockopt'
    local listen_opts="-b --bind --backlog -k --keep-open --accept-delay --half-close -w --timeout $trace_opts $relay_opts"
    local connect_opts="--half-close -w --timeout -s --source -p --source-port --send -z --zero-io -c --count $trace_opts $relay_opts"
    local echo_opts='-b --bind --backlog --max-conns --idle-timeout -i --interval -O --sockopt'
    local ack_opts="$echo_opts --reply --lines"
    local info_opts="-w --timeout -s --source -p --source-port -l --listening -a --all --port --state --fd --system $trace_opts --watch -i --interval -c --count"
    local shutdown_opts="--how --rst --send --after -i --interval -w --timeout -s --source -p --source-port $trace_opts"
    local file_opts='--ladder --conn'
    local commands='listen connect echo ack info shutdown trace'
    local with_value='-O|--sockopt|--pcap|--conn|-b|--bind|--backlog|--accept-delay|-w|--timeout|-s|--source|-p|--source-port|--send|-c|--count|-i|--interval|--max-conns|--idle-timeout|--reply|--port|--state|--fd|--how|--after|--rate|--read-rate|--load'
    local directions='rd wr rdwr'
    local durations='500ms 1s 5s 30s'
    local rates='100k 1M 10M 100M 1G'
    local loads='1Gi 4Gi 10G 10s 30s'
    local addresses='127.0.0.1 ::1 0.0.0.0 ::'

    COMPREPLY=()
    _tcptool_words
    cur=${words[cword]}
    prev=''
    ((cword > 0)) && prev=${words[cword - 1]}

    # The command, and how many operands follow it before the cursor.
    for ((i = 1; i < cword; i++)); do
        w=${words[i]}
        if [[ -z $cmd ]]; then
            [[ $w == -* ]] || cmd=$w
            continue
        fi
        if [[ -n $dashdash || $w != -* || $w == - ]]; then
            nargs=$((nargs + 1))
        elif [[ $w == -- ]]; then
            dashdash=1
        elif [[ $w == @($with_value) ]]; then
            ((i++))
        fi
    done

    case $prev in
    '<' | '>' | '>>' | [0-9]'>' | [0-9]'>>' | '<>')
        mapfile -t COMPREPLY < <(compgen -f -- "$cur")
        return 0
        ;;
    esac

    if [[ -n $cmd && -z $dashdash ]]; then
        # A value: the word after an option, or --option=value.
        local opt=$prev value=$cur
        if [[ $cur == --*=* ]]; then
            opt=${cur%%=*}
            value=${cur#*=}
        elif [[ $prev != @($with_value) ]]; then
            opt=''
        fi
        if [[ -n $opt ]]; then
            case $opt in
            -w | --timeout | --accept-delay | --idle-timeout | -i | --interval | --after) mapfile -t COMPREPLY < <(compgen -W "$durations" -- "$value") ;;
            -b | --bind | -s | --source) mapfile -t COMPREPLY < <(compgen -W "$addresses" -- "$value") ;;
            --how) mapfile -t COMPREPLY < <(compgen -W "$directions" -- "$value") ;;
            --rate | --read-rate) mapfile -t COMPREPLY < <(compgen -W "$rates" -- "$value") ;;
            --load) mapfile -t COMPREPLY < <(compgen -W "$loads" -- "$value") ;;
            --state) _tcptool_states "$value" ;;
            --fd) _tcptool_fds "$value" ;;
            --pcap) mapfile -t COMPREPLY < <(compgen -f -- "$value") ;;
            -O | --sockopt) _tcptool_sockopts "$value" ;;
            esac
            [[ $cur == --*=* ]] && COMPREPLY=("${COMPREPLY[@]/#/$opt=}")
            _tcptool_ltrim
            return 0
        fi
    fi

    case $cmd in
    '')
        if [[ $cur == -* ]]; then
            _tcptool_reply "$top"
        else
            _tcptool_reply "$commands help"
        fi
        ;;
    help)
        ((nargs == 0)) && _tcptool_reply "$commands"
        ;;
    listen | echo | ack)
        if [[ $cur == -* && -z $dashdash ]]; then
            local opts=$listen_opts
            [[ $cmd == echo ]] && opts=$echo_opts
            [[ $cmd == ack ]] && opts=$ack_opts
            _tcptool_reply "$opts $common"
        elif ((nargs == 0)); then
            mapfile -t COMPREPLY < <(compgen -A service -- "$cur")
        fi
        ;;
    connect | shutdown)
        if [[ $cur == -* && -z $dashdash ]]; then
            local opts=$connect_opts
            [[ $cmd == shutdown ]] && opts=$shutdown_opts
            _tcptool_reply "$opts $common"
        elif ((nargs == 0)); then
            mapfile -t COMPREPLY < <(compgen -A hostname -- "$cur")
        elif ((nargs == 1)); then
            mapfile -t COMPREPLY < <(compgen -A service -- "$cur")
        fi
        ;;
    info)
        # HOST PORT only when no option of the list, --fd or --system came first.
        local form=target
        for ((i = 1; i < cword; i++)); do
            case ${words[i]} in
            -l | --listening | -a | --all | --port | --port=* | --state | --state=* | --fd | --fd=* | --system) form=other ;;
            esac
        done
        if [[ $cur == -* && -z $dashdash ]]; then
            _tcptool_reply "$info_opts $common"
        elif [[ $form == target ]] && ((nargs == 0)); then
            mapfile -t COMPREPLY < <(compgen -A hostname -- "$cur")
        elif [[ $form == target ]] && ((nargs == 1)); then
            mapfile -t COMPREPLY < <(compgen -A service -- "$cur")
        fi
        ;;
    trace)
        if [[ $cur == -* && -z $dashdash ]]; then
            _tcptool_reply "$file_opts $common"
        elif ((nargs == 0)); then
            # Captures first; any file when none matches.
            mapfile -t COMPREPLY < <(compgen -f -X '!*.@(pcap|pcapng|cap)' -- "$cur"; compgen -d -- "$cur")
            ((${#COMPREPLY[@]})) || mapfile -t COMPREPLY < <(compgen -f -- "$cur")
        fi
        ;;
    esac
    _tcptool_ltrim
    return 0
}

# Bash replaces only the part after the last ':' or '=' that is in
# COMP_WORDBREAKS, so drop what comes before it ("::1" -> "1" after "::").
_tcptool_ltrim()
{
    local breaks='' head
    [[ $COMP_WORDBREAKS == *:* ]] && breaks+=':'
    [[ $COMP_WORDBREAKS == *=* ]] && breaks+='='
    [[ -n $breaks && $cur == *["$breaks"]* ]] || return 0
    head=${cur%"${cur##*["$breaks"]}"}
    COMPREPLY=("${COMPREPLY[@]#"$head"}")
}

complete -F _tcptool tcptool

# ex: filetype=sh
