# fish completion for tcptool(1)
# Options mirror src/options.def; tests/docs.bats fails when they drift.

# Prints the command (listen, connect, echo, ack, info, shutdown, trace, help) once it has been typed.
# Options before the command take no value, so it is the first other word.
function __tcptool_command
    for t in (commandline -opc)[2..-1]
        if not string match -q -- '-*' $t
            echo $t
            return 0
        end
    end
    return 1
end

function __tcptool_using
    test "$(__tcptool_command)" = "$argv[1]"
end

# Prints how many operands (HOST, PORT, ...) follow the command so far.
function __tcptool_operands
    set -l n 0
    set -l seen 0
    set -l skip 0
    set -l dashdash 0
    for t in (commandline -opc)[2..-1]
        if test $seen -eq 0
            string match -q -- '-*' $t; or set seen 1
        else if test $skip -eq 1
            set skip 0
        else if test $dashdash -eq 1; or not string match -q -- '-?*' $t
            set n (math $n + 1)
        else if test "$t" = --
            set dashdash 1
        else if contains -- $t -b --bind --backlog --accept-delay -w --timeout -s --source -p --source-port --send -c --count -i --interval --max-conns --idle-timeout --reply --port --state --fd --how --after --rate --read-rate --load --pcap --conn -O --sockopt
            set skip 1
        end
    end
    echo $n
end

# TCP service names from /etc/services, for PORT.
function __tcptool_services
    string replace -rf '^([^#\s]+)\s+\d+/tcp\b.*' '$1' </etc/services 2>/dev/null
end

# The TCP state names info --state takes.
function __tcptool_states
    printf '%s\n' established syn-sent syn-recv fin-wait-1 fin-wait-2 time-wait \
        close close-wait last-ack listen closing
end

# The socket options of -O, after the comma list typed so far; the
# algorithms this kernel has after congestion=, the interfaces after bind-device=.
function __tcptool_sockopts
    set -l tok (commandline -ct)
    set -l head (string replace -r '[^,]*$' '' -- $tok)
    set -l last (string replace -r '.*,' '' -- $tok)
    switch $last
        case 'congestion=*'
            set -l algs (string split ' ' -- (cat /proc/sys/net/ipv4/tcp_available_congestion_control 2>/dev/null))
            test -n "$algs[1]"; or set algs reno cubic bbr
            for a in $algs
                printf '%scongestion=%s\n' $head $a
            end
        case 'bind-device=*'
            for i in /sys/class/net/*
                printf '%sbind-device=%s\n' $head (basename $i)
            end
        case '*=*'
        case '*'
            for n in nodelay\t'TCP_NODELAY: no Nagle' cork\t'TCP_CORK' quickack\t'TCP_QUICKACK' \
                    sndbuf=\t'SO_SNDBUF' rcvbuf=\t'SO_RCVBUF' mss=\t'TCP_MAXSEG' congestion=\t'TCP_CONGESTION' \
                    keepalive\t'SO_KEEPALIVE' keepalive=\t'IDLE,INTVL,COUNT' user-timeout=\t'TCP_USER_TIMEOUT' \
                    linger=\t'SO_LINGER' fastopen\t'TCP Fast Open' ttl=\t'IP_TTL' tos=\t'IP_TOS' \
                    reuseport\t'SO_REUSEPORT' bind-device=\t'SO_BINDTODEVICE' notsent-lowat=\t'TCP_NOTSENT_LOWAT' \
                    defer-accept=\t'TCP_DEFER_ACCEPT' window-clamp=\t'TCP_WINDOW_CLAMP'
                printf '%s%s\n' $head $n
            end
    end
end

# The descriptors of this shell that are sockets, for info --fd.
function __tcptool_fds
    for f in /proc/$fish_pid/fd/*
        test -S $f; and string replace -r '.*/' '' -- $f
    end
end

# True while info may still take HOST PORT: no option of its other forms yet.
function __tcptool_info_target
    for t in (commandline -opc)[2..-1]
        string match -qr -- '^(-l|--listening|-a|--all|--port|--state|--fd|--system)(=.*)?$' $t; and return 1
    end
    return 0
end

set -l durations '500ms 1s 5s 30s'
set -l rates '100k 1M 10M 100M 1G'
set -l loads '1Gi 4Gi 10G 10s 30s'
set -l addresses '127.0.0.1 ::1 0.0.0.0 ::'
set -l listen '__tcptool_using listen'
set -l connect '__tcptool_using connect'
set -l server '__tcptool_using echo; or __tcptool_using ack'
set -l ack '__tcptool_using ack'
set -l info '__tcptool_using info'
set -l shutdown '__tcptool_using shutdown'
set -l capfile '__tcptool_using trace'

complete -c tcptool -f

# Commands, and the commands "help" knows.
complete -c tcptool -n 'not __tcptool_command' -a listen -d 'wait for a client and relay stdin/stdout with it, like nc -l'
complete -c tcptool -n 'not __tcptool_command' -a connect -d 'connect to HOST PORT and relay stdin/stdout, like nc'
complete -c tcptool -n 'not __tcptool_command' -a echo -d 'echo server: every byte back to its sender, many clients at once'
complete -c tcptool -n 'not __tcptool_command' -a ack -d "answer each client's message with ACK! and close, many clients at once"
complete -c tcptool -n 'not __tcptool_command' -a info -d "what the kernel knows: this host's sockets, a handshake, an inherited fd"
complete -c tcptool -n 'not __tcptool_command' -a shutdown -d 'end a connection one chosen way and show the timeline of the close'
complete -c tcptool -n 'not __tcptool_command' -a trace -d 'show the TCP connections in a capture file, segment by segment or as a ladder'
complete -c tcptool -n 'not __tcptool_command' -a help -d 'show the help, or the help of a command'
complete -c tcptool -n '__tcptool_using help; and test (__tcptool_operands) -eq 0' -a 'listen connect echo ack info shutdown trace'

# Common options, before or after the command.
complete -c tcptool -n 'not __tcptool_using help' -s 4 -d 'use IPv4 only'
complete -c tcptool -n 'not __tcptool_using help' -s 6 -d 'use IPv6 only'
complete -c tcptool -n 'not __tcptool_using help' -s v -l verbose -d 'more detail: every address tried, tcp_info'
complete -c tcptool -n 'not __tcptool_using help' -s q -l quiet -d 'no event lines, only data and errors'
complete -c tcptool -n 'not __tcptool_using help' -l json -d 'events as JSON objects, one per line'
complete -c tcptool -n 'not __tcptool_using help' -s h -l help -d 'show the help and exit'
complete -c tcptool -n 'not __tcptool_command' -l version -d 'show the version and exit'

# listen [-b ADDR] [--backlog N] [-k] [--half-close] [-w DUR] [--accept-delay DUR] [-i DUR] [--rate RATE] [--read-rate RATE] [--progress] [--trace|--ladder] [--pcap FILE] PORT
complete -c tcptool -n $listen -s b -l bind -x -a $addresses -d 'listen on ADDR only (default: every address)'
complete -c tcptool -n $listen -l backlog -x -d 'accept queue length passed to listen() (default 128)'
complete -c tcptool -n $listen -s k -l keep-open -d 'after a client leaves, accept the next one'
complete -c tcptool -n $listen -l accept-delay -x -a $durations -d 'wait DUR before each accept(); clients queue meanwhile'
complete -c tcptool -n $listen -l half-close -d 'close each direction on its own: FIN on stdin EOF, keep sending after the peer FIN'
complete -c tcptool -n $listen -s w -l timeout -x -a $durations -d 'give up after DUR without a connection or without data'
complete -c tcptool -n $listen -s i -l interval -x -a $durations -d 'every DUR, report rates, RTT, windows, retransmissions and what limited the sender'
complete -c tcptool -n $listen -l rate -x -a $rates -d 'send no faster than RATE bytes a second (500k, 10M, 1G)'
complete -c tcptool -n $listen -l read-rate -x -a $rates -d 'read from the peer no faster than RATE bytes a second: its window fills'
complete -c tcptool -n $listen -l progress -d 'show the progress line even where stderr is not a terminal'
complete -c tcptool -n $listen -l no-progress -d 'never show the progress line'
complete -c tcptool -n $listen -l load -x -a $loads -d 'send SIZE bytes (10G, 512M) or for DUR (10s) of a test pattern instead of stdin, then FIN'
complete -c tcptool -n $listen -l discard -d 'count what arrives and drop it without copying, instead of writing stdout'
complete -c tcptool -n $listen -l verify -d 'check that what arrives is the --load pattern, then drop it'
complete -c tcptool -n $listen -l trace -d "show our connection's segments (SYN, ACK, FIN, RST...) among the events; needs CAP_NET_RAW"
complete -c tcptool -n $listen -l ladder -d 'draw the conversation as a ladder diagram: arrows, both states, our calls (implies --trace)'
complete -c tcptool -n $listen -l pcap -r -F -d 'write the segments to FILE as a pcap capture too (tcpdump -r, Wireshark)'
complete -c tcptool -n $listen -s O -l sockopt -x -a '(__tcptool_sockopts)' -d 'set a socket option, read back what the kernel grants (repeat, or a comma list)'
complete -c tcptool -n "$listen; and test (__tcptool_operands) -eq 0" -a '(__tcptool_services)' -d port

# connect [--half-close] [-w DUR] [-s ADDR] [-p PORT] [--send TEXT] [--trace|--ladder] [--pcap FILE] [-z | -c N [-i DUR]] HOST PORT
complete -c tcptool -n $connect -l half-close -d 'close each direction on its own: FIN on stdin EOF, keep sending after the peer FIN'
complete -c tcptool -n $connect -s w -l timeout -x -a $durations -d 'give up after DUR without a connection or without data'
complete -c tcptool -n $connect -s s -l source -x -a $addresses -d 'connect from local address ADDR'
complete -c tcptool -n $connect -s p -l source-port -x -d 'connect from local port PORT'
complete -c tcptool -n $connect -l send -x -d 'send TEXT instead of reading stdin, then act as at stdin EOF'
complete -c tcptool -n $connect -s z -l zero-io -d 'handshake only: report each PORT (a range 20-25 or list 22,80) open or not'
complete -c tcptool -n $connect -s c -l count -x -d 'handshake N times (0: until Ctrl-C) and print min/avg/max/mdev like ping'
complete -c tcptool -n $connect -s i -l interval -x -a $durations -d 'every DUR, report rates, RTT, windows and the limit (with -c: the handshakes\' spacing)'
complete -c tcptool -n $connect -l rate -x -a $rates -d 'send no faster than RATE bytes a second (500k, 10M, 1G)'
complete -c tcptool -n $connect -l read-rate -x -a $rates -d 'read from the peer no faster than RATE bytes a second: its window fills'
complete -c tcptool -n $connect -l progress -d 'show the progress line even where stderr is not a terminal'
complete -c tcptool -n $connect -l no-progress -d 'never show the progress line'
complete -c tcptool -n $connect -l load -x -a $loads -d 'send SIZE bytes (10G, 512M) or for DUR (10s) of a test pattern instead of stdin, then FIN'
complete -c tcptool -n $connect -l discard -d 'count what arrives and drop it without copying, instead of writing stdout'
complete -c tcptool -n $connect -l verify -d 'check that what arrives is the --load pattern, then drop it'
complete -c tcptool -n $connect -l trace -d "show our connection's segments (SYN, ACK, FIN, RST...) among the events; needs CAP_NET_RAW"
complete -c tcptool -n $connect -l ladder -d 'draw the conversation as a ladder diagram: arrows, both states, our calls (implies --trace)'
complete -c tcptool -n $connect -l pcap -r -F -d 'write the segments to FILE as a pcap capture too (tcpdump -r, Wireshark)'
complete -c tcptool -n $connect -s O -l sockopt -x -a '(__tcptool_sockopts)' -d 'set a socket option, read back what the kernel grants (repeat, or a comma list)'
complete -c tcptool -n "$connect; and test (__tcptool_operands) -eq 0" -a '(__fish_print_hostnames)' -d host
complete -c tcptool -n "$connect; and test (__tcptool_operands) -eq 1" -a '(__tcptool_services)' -d port

# echo and ack [-b ADDR] [--backlog N] [--max-conns N] [--idle-timeout DUR] PORT
# ack also [--reply TEXT] [--lines]
complete -c tcptool -n $server -s O -l sockopt -x -a '(__tcptool_sockopts)' -d 'set a socket option, read back what the kernel grants (repeat, or a comma list)'
complete -c tcptool -n $server -s b -l bind -x -a $addresses -d 'listen on ADDR only (default: every address)'
complete -c tcptool -n $server -l backlog -x -d 'accept queue length passed to listen() (default 128)'
complete -c tcptool -n $server -l max-conns -x -d 'serve N clients at once, more wait in the queue (default 1024)'
complete -c tcptool -n $server -s i -l interval -x -a $durations -d 'every DUR, one line: clients, connections, bytes, rates, the busiest client'
complete -c tcptool -n $server -l idle-timeout -x -a $durations -d 'close a client after DUR with no bytes either way'
complete -c tcptool -n $ack -l reply -x -d 'answer each message with TEXT (default ACK!)'
complete -c tcptool -n $ack -l lines -d 'answer each line with TEXT and a newline; stay open'
complete -c tcptool -n "$server; and test (__tcptool_operands) -eq 0" -a '(__tcptool_services)' -d port

# info [-l|-a] [--port N] [--state NAME] | [-w DUR] [-s ADDR] [-p PORT] [--trace|--ladder] [--pcap FILE] HOST PORT | --fd N | --system
complete -c tcptool -n $info -s w -l timeout -x -a $durations -d 'give up after DUR without a connection or without data'
complete -c tcptool -n $info -s s -l source -x -a $addresses -d 'connect from local address ADDR'
complete -c tcptool -n $info -s p -l source-port -x -d 'connect from local port PORT'
complete -c tcptool -n $info -s l -l listening -d 'list listening sockets only'
complete -c tcptool -n $info -s a -l all -d 'list sockets in every state, TIME_WAIT and listeners included'
complete -c tcptool -n $info -l port -x -d 'list only sockets whose local or peer port is N'
complete -c tcptool -n $info -l state -x -a '(__fish_complete_list , __tcptool_states)' -d 'list only sockets in state NAME; repeat or use commas for more'
complete -c tcptool -n $info -l fd -x -a '(__tcptool_fds)' -d 'describe the socket open on descriptor N (inherited from the shell, systemd, inetd)'
complete -c tcptool -n $info -l watch -d "every DUR (default 1s), show the listed sockets' rates, windows and limits"
complete -c tcptool -n $info -s i -l interval -x -a $durations -d 'with --watch: a block every DUR'
complete -c tcptool -n $info -s c -l count -x -d 'with --watch: stop after N blocks'
complete -c tcptool -n $info -l system -d "show the kernel's TCP settings, each with what it changes"
complete -c tcptool -n $info -l trace -d "show our connection's segments (SYN, ACK, FIN, RST...) among the events; needs CAP_NET_RAW"
complete -c tcptool -n $info -l ladder -d 'draw the conversation as a ladder diagram: arrows, both states, our calls (implies --trace)'
complete -c tcptool -n $info -l pcap -r -F -d 'write the segments to FILE as a pcap capture too (tcpdump -r, Wireshark)'
complete -c tcptool -n $info -s O -l sockopt -x -a '(__tcptool_sockopts)' -d 'set a socket option, read back what the kernel grants (repeat, or a comma list)'
complete -c tcptool -n "$info; and __tcptool_info_target; and test (__tcptool_operands) -eq 0" -a '(__fish_print_hostnames)' -d host
complete -c tcptool -n "$info; and __tcptool_info_target; and test (__tcptool_operands) -eq 1" -a '(__tcptool_services)' -d port

# shutdown [--how rd|wr|rdwr | --rst] [--send TEXT] [--after DUR] [-w DUR] [-s ADDR] [-p PORT] [--trace|--ladder] [--pcap FILE] HOST PORT
complete -c tcptool -n $shutdown -l how -x -a 'rd\t"shutdown(SHUT_RD): our reads end at once" wr\t"shutdown(SHUT_WR): send FIN (the default)" rdwr\t"shutdown(SHUT_RDWR): send FIN, no more reads"' -d 'shutdown() which way: rd, wr (the default: send FIN) or rdwr'
complete -c tcptool -n $shutdown -l rst -d 'abortive close instead: SO_LINGER 0 and close() send RST, not FIN'
complete -c tcptool -n $shutdown -l send -x -d 'send TEXT first'
complete -c tcptool -n $shutdown -l after -x -a $durations -d 'wait DUR after connecting (and sending) before the shutdown'
complete -c tcptool -n $shutdown -s i -l interval -x -a $durations -d 'every DUR, report rates, RTT, windows and queues while the close is watched'
complete -c tcptool -n $shutdown -s w -l timeout -x -a $durations -d 'give up the handshake, and stop watching the close, after DUR (default 3s)'
complete -c tcptool -n $shutdown -s s -l source -x -a $addresses -d 'connect from local address ADDR'
complete -c tcptool -n $shutdown -s p -l source-port -x -d 'connect from local port PORT'
complete -c tcptool -n $shutdown -l trace -d "show our connection's segments (SYN, ACK, FIN, RST...) among the events; needs CAP_NET_RAW"
complete -c tcptool -n $shutdown -l ladder -d 'draw the conversation as a ladder diagram: arrows, both states, our calls (implies --trace)'
complete -c tcptool -n $shutdown -l pcap -r -F -d 'write the segments to FILE as a pcap capture too (tcpdump -r, Wireshark)'
complete -c tcptool -n $shutdown -s O -l sockopt -x -a '(__tcptool_sockopts)' -d 'set a socket option, read back what the kernel grants (repeat, or a comma list)'
complete -c tcptool -n "$shutdown; and test (__tcptool_operands) -eq 0" -a '(__fish_print_hostnames)' -d host
complete -c tcptool -n "$shutdown; and test (__tcptool_operands) -eq 1" -a '(__tcptool_services)' -d port

# trace [--ladder] [--conn N] FILE
complete -c tcptool -n $capfile -l ladder -d 'draw the conversation as a ladder diagram: arrows, both states (implies --trace)'
complete -c tcptool -n $capfile -l conn -x -d 'show connection N of the capture (as numbered in its list)'
complete -c tcptool -n "$capfile; and test (__tcptool_operands) -eq 0" -F -d 'capture file'
