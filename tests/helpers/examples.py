#!/usr/bin/env python3
"""The examples of the manual (its EXAMPLES section) and of README.md, for
tests/examples.bats: which commands they show, the output they show after
each, and how real output compares with it.

  examples.py list MAN README
      Every example command, one per line: "FILE:LINE<TAB>COMMAND".  A
      command is a "$ " line of a man page .Bd -literal block (with the
      lines that continue it), a .Ql that runs tcptool, or in README.md a
      "$ " line of a ``` block, or any line of a ```sh block without "$ "
      lines.  Continuation lines are indented; here they are joined with
      one space, and a trailing "# comment" is dropped.  README sections whose heading
      starts with a word of $EX_README_SKIP ("Set up|...") are left out.
  examples.py runnable MAN README COMMAND
      COMMAND (as list prints it) as the test runs it: its lines as the
      docs write them, where documentation names and addresses
      (RFC 2606 example.org/.com/.net and *.example names, the RFC 5737
      TEST-NET addresses 192.0.2.0/24, 198.51.100.0/24, 203.0.113.0/24)
      become 127.0.0.1, and the ports of $EX_PORTS ("9999=41234
      20-25=41232-41237", doc=ours) become the test's own.
  examples.py check MAN README COMMAND OUTPUT [--wild WORD]... [--each | --any-order]
      The output the docs show after COMMAND, everywhere COMMAND appears,
      against the real output in the file OUTPUT.  Exit 1 with both side
      by side when they differ; exit 2 when COMMAND is not in the docs or
      the docs show no output for it.
  examples.py pty SECONDS COMMAND
      Runs "bash -c COMMAND" with standard output and standard error on a
      pseudo-terminal of 80 columns, as the reader's terminal would be,
      and copies what the terminal shows to standard output, line by line
      (without the terminal's carriage returns, and without colours:
      jq's).  It ends when nothing holds the terminal any more, so a
      COMMAND's background jobs are waited for too.  Exits with COMMAND's
      status, or 124 after SECONDS, when the command's process group is
      killed; SIGTERM kills that group too.

How output compares (what "the same shape" means):
  * Lines compare with runs of blanks as one space; leading and trailing
    blanks do not count.
  * Every number in the docs stands for any number (a decimal or an
    integer), except IPv4 addresses, which must be the same; words,
    punctuation and units (ms, s, bytes...) must be the same.  A port is a
    number, so any port matches.  --wild WORD makes WORD stand for any
    word, for values that depend on the host (the congestion control).
  * A line "..." stands for any number of lines (none included); within
    a line, "..." stands for any text left out ("rests ...", "(nothing
    listens there: ...)").  "^C" is the terminal's echo of Control-C, not
    output, and is left out.
  * In a --ladder picture, the rows (lines with a rail) and the other
    lines are each in order, and a state's '*' does not count: whether a
    sample caught the state is a matter of microseconds.
  * The shutdown timeline's "state NAME:" lines are optional on both
    sides: the state is sampled (see the man page), so a short one may not
    show.  A state line that shows on both sides must still match.
  * Without --each, the real lines must match the shown ones in order, all
    of them (or "..." must stand for them).  In a trace, the segment lines
    and the other lines are each in order, but how the two interleave is
    not compared: it depends on which of two processes ran first.  With --each, every real line
    must match one of the shown lines, in any order and any number of
    times (for counts over whatever sockets this host has).  With
    --any-order, the real and the shown lines must pair off one to one, in
    any order (for socket lists, sorted by ports the kernel picks).
"""
import fcntl
import os
import re
import select
import signal
import struct
import subprocess
import sys
import termios
import time

# --- extraction ------------------------------------------------------------

ROFF_ESCAPES = {r"\e": "\\", r"\&": "", r"\-": "-", r"\(aq": "'", r"\(dq": '"',
                r"\(ga": "`", r"\(ti": "~", r"\(ha": "^", r"\ ": " ", r"\(en": "-"}
ROFF_RE = re.compile(r"\\(?:e|&|-| |\(aq|\(dq|\(ga|\(ti|\(ha|\(en)")


def unroff(text):
    return ROFF_RE.sub(lambda m: ROFF_ESCAPES[m.group(0)], text)


def shell_incomplete(text):
    """True when bash would wait for more lines after text (an open quote,
    a trailing |, a for without done...)."""
    r = subprocess.run(["bash", "-n", "-c", text], capture_output=True, text=True)
    if r.returncode == 0:
        return False
    return "unexpected end of file" in r.stderr or "unexpected EOF" in r.stderr


def normalize(lines):
    """The key of a command: its lines joined with one space."""
    text = lines[0]
    for more in lines[1:]:
        if text.endswith("\\"):
            text = text[:-1].rstrip()
        text += " " + more.strip()
    return strip_comment(text).strip()


def source(lines):
    """The command to run: its lines as written (a newline may end a
    command in a loop), without a trailing comment."""
    return "\n".join(lines[:-1] + [strip_comment(lines[-1]).rstrip()])


def strip_comment(text):
    """text without a trailing "# comment" (a # after a blank, outside quotes)."""
    quote = None
    for i, ch in enumerate(text):
        if quote:
            if ch == quote:
                quote = None
        elif ch in "'\"":
            quote = ch
        elif ch == "#" and i > 0 and text[i - 1].isspace():
            return text[:i]
    return text


class Command:
    def __init__(self, where, text, output, transcript, src=None):
        self.where = where          # "FILE:LINE"
        self.text = text            # the key: its lines joined
        self.output = output        # lines shown after it (transcripts only)
        self.transcript = transcript
        self.source = src or text   # the lines as written


def commands_of_block(path, lines, transcript):
    """lines: [(lineno, text)] of one block."""
    out = []
    i = 0
    while i < len(lines):
        n, t = lines[i]
        if transcript:
            if not t.startswith("$ "):
                i += 1
                continue
            t = t[2:]
        elif not t.strip() or t.lstrip().startswith("#"):
            i += 1
            continue
        parts = [t]
        j = i + 1
        while j < len(lines) and lines[j][1][:1].isspace() and shell_incomplete("\n".join(parts)):
            parts.append(lines[j][1])
            j += 1
        shown = []
        if transcript:
            while j < len(lines) and not lines[j][1].startswith("$ "):
                shown.append(lines[j][1])
                j += 1
            while shown and not shown[-1].strip():
                shown.pop()
        out.append(Command("%s:%d" % (path, n), normalize(parts), shown, transcript, source(parts)))
        i = j
    return out


RUNS_TCPTOOL = re.compile(r"(^|[|;&(!]\s*|\b(do|then|until|while|if)\s+)(\S+=\S+\s+)*tcptool\s")


def man_commands(path):
    cmds = []
    with open(path) as f:
        lines = f.read().split("\n")
    in_examples = False
    block = None
    for n, line in enumerate(lines, 1):
        if line.startswith(".Sh "):
            in_examples = line.strip() == ".Sh EXAMPLES"
            continue
        if not in_examples:
            continue
        if line.startswith(".Bd -literal"):
            block = []
        elif line.startswith(".Ed") and block is not None:
            cmds += commands_of_block(path, block, True)
            block = None
        elif block is not None:
            block.append((n, unroff(line)))
        elif line.startswith(".Ql "):
            # ".Ql tcptool connect ... 9913 ," : the words, without the
            # trailing punctuation mdoc sets apart.
            words = line[4:].split()
            while words and re.fullmatch(r"[.,:;)\]?!]+", words[-1]):
                words.pop()
            text = unroff(" ".join(words))
            if RUNS_TCPTOOL.search(text):
                cmds.append(Command("%s:%d" % (path, n), text, [], False))
    return cmds


def readme_commands(path, skip):
    cmds = []
    with open(path) as f:
        lines = f.read().split("\n")
    section = ""
    block = None
    kind = None
    for n, line in enumerate(lines, 1):
        if block is None:
            if line.startswith("## "):
                section = line[3:].strip()
            m = re.match(r"^```(\S*)\s*$", line)
            if m:
                block, kind = [], m.group(1)
            continue
        if line.startswith("```"):
            skipped = any(section.startswith(s) for s in skip if s)
            if not skipped and kind in ("", "sh", "console", "shell"):
                transcript = kind == "" or any(t.startswith("$ ") for _, t in block)
                cmds += commands_of_block(path, block, transcript)
            block = None
            continue
        block.append((n, line))
    return cmds


def all_commands(man, readme):
    skip = [s.strip() for s in os.environ.get("EX_README_SKIP", "").split("|")]
    return man_commands(man) + readme_commands(readme, skip)


# --- substitution ----------------------------------------------------------

DOC_NAME = r"(?:[A-Za-z0-9-]+\.)*(?:example\.(?:org|com|net)|[A-Za-z0-9-]+\.example)"
DOC_ADDR = r"(?:192\.0\.2|198\.51\.100|203\.0\.113)\.\d{1,3}"
DOC_HOST_RE = re.compile(r"(?<![\w.-])(?:%s|%s)(?![\w.-])" % (DOC_NAME, DOC_ADDR))


def map_hosts(text):
    return DOC_HOST_RE.sub("127.0.0.1", text)


def runnable(man, readme, key):
    found = [c for c in all_commands(man, readme) if c.text == key]
    if not found:
        sys.exit("not in the docs: %s" % key)
    text = map_hosts(found[0].source)
    for pair in os.environ.get("EX_PORTS", "").split():
        doc, ours = pair.split("=", 1)
        text = re.sub(r"(?<![\w.:-])%s(?![\w.-])" % re.escape(doc), ours, text)
    return text


# --- comparison --------------------------------------------------------------

NUM_RE = re.compile(r"(?<![\w.])(\d+(?:\.\d+)+|\d+)(?![\w])")
IPV4_RE = re.compile(r"^\d{1,3}(?:\.\d{1,3}){3}$")
STATE_RE = re.compile(r"^t\+\S+ (?:ms|s) state ([A-Z_0-9]+):")
SEGMENT_RE = re.compile(r"^t\+\S+ (?:ms|s) [A-Z]+(?:-[A-Z]+)? \S+ > \S+ ")


# A row of a --ladder picture: it has a rail (box drawing, or ASCII's " | ").
RAIL_RE = re.compile(r"[\u2502\u2506]|\s\|(?:\s|-|<|$)")
STATE_MARK_RE = re.compile(r"\b([A-Z][A-Z_0-9]+)\*")


def unstar(line):
    """A ladder line without the '*' that marks an inferred state."""
    return STATE_MARK_RE.sub(r"\1", line)


def squeeze(line):
    return " ".join(line.split())


def pattern(line, wild):
    """The regex for one shown line (squeezed): numbers wild, the rest
    literal, and "..." for any text left out."""
    pieces = line.split("...")
    rx = ".*".join(shape(p.strip() if len(pieces) > 1 else p, wild) for p in pieces)
    return re.compile(rx + r"\Z")


def shape(text, wild):
    parts = []
    pos = 0
    for m in NUM_RE.finditer(text):
        parts.append(literal(text[pos:m.start()], wild))
        num = m.group(1)
        if IPV4_RE.match(num):
            parts.append(re.escape(num))
        elif num.count(".") > 1:
            parts.append(r"\d+(?:\.\d+)+")
        else:
            parts.append(r"\d+(?:\.\d+)?")
        pos = m.end()
    parts.append(literal(text[pos:], wild))
    return "".join(parts)


def literal(text, wild):
    if not wild:
        return re.escape(text)
    words = "|".join(re.escape(w) for w in wild)
    pieces = re.split(r"(?<![\w])(%s)(?![\w])" % words, text)
    return "".join(r"\S+" if i % 2 else re.escape(p) for i, p in enumerate(pieces))


class Shown:
    def __init__(self, line, wild):
        self.text = line
        self.sq = squeeze(line)
        self.ellipsis = self.sq == "..."
        self.rx = None if self.ellipsis else pattern(self.sq, wild)
        m = STATE_RE.match(self.sq)
        self.state = m.group(1) if m else None

    def matches(self, real):
        return not self.ellipsis and self.rx.match(squeeze(real)) is not None


def real_state(line):
    m = STATE_RE.match(squeeze(line))
    return m.group(1) if m else None


def match_in_order(shown, real):
    """Can the shown lines stand for the real ones, in order?"""
    memo = {}

    def go(i, j):
        key = (i, j)
        if key in memo:
            return memo[key]
        if i == len(shown):
            ok = all(real_state(r) for r in real[j:])
        elif shown[i].ellipsis:
            ok = go(i + 1, j) or (j < len(real) and go(i, j + 1))
        else:
            ok = ((j < len(real) and shown[i].matches(real[j]) and go(i + 1, j + 1))
                  or (shown[i].state is not None and go(i + 1, j))
                  or (j < len(real) and real_state(real[j]) is not None and go(i, j + 1)))
        memo[key] = ok
        return ok

    sys.setrecursionlimit(10000)
    return go(0, 0)


def states_agree(shown, real):
    """A state that shows on both sides must show the same line."""
    bad = []
    for r in real:
        st = real_state(r)
        if not st:
            continue
        same = [s for s in shown if s.state == st]
        if same and not any(s.matches(r) for s in same):
            bad.append(r)
    return bad


def pair_off(shown, real):
    """Can every real line take a shown line of its own, and no shown line
    be left over?"""
    if len(shown) != len(real):
        return False

    def go(j, used):
        if j == len(real):
            return True
        return any(i not in used and s.matches(real[j]) and go(j + 1, used | {i})
                   for i, s in enumerate(shown))

    return go(0, frozenset())


def compare(shown_lines, real_lines, wild, mode):
    shown = [Shown(s, wild) for s in shown_lines if s.strip() != "^C"]
    if mode == "any-order":
        if any(s.ellipsis for s in shown):
            return "--any-order takes no '...' line"
        if not pair_off(shown, real_lines):
            return "the real lines do not pair off with the shown ones"
        return None
    if any(RAIL_RE.search(s.sq) for s in shown):
        # A ladder: its rows in order, the event lines in order, each side
        # apart as in a trace; a state's '*' (no sample confirmed it) is
        # a matter of microseconds too.
        shown = [Shown(unstar(s.text), wild) for s in shown]
        real = [unstar(r) for r in real_lines]
        for name, keep in (("rows", True), ("events", False)):
            sh = [s for s in shown if s.ellipsis or bool(RAIL_RE.search(s.sq)) == keep]
            re_ = [r for r in real if bool(RAIL_RE.search(r)) == keep]
            if not match_in_order(sh, re_):
                return "the real ladder's %s do not have the shown %s' shape" % (name, name)
        return None
    if any(SEGMENT_RE.match(s.sq) for s in shown):
        # A trace: the segments in the order they crossed the wire, the
        # events in the order tcptool noticed things; which of the two
        # came first is a matter of microseconds (see READING A TRACE).
        for name, keep in (("segments", True), ("events", False)):
            sh = [s for s in shown if s.ellipsis or bool(SEGMENT_RE.match(s.sq)) == keep]
            re_ = [r for r in real_lines if bool(SEGMENT_RE.match(squeeze(r))) == keep]
            if not match_in_order(sh, re_):
                return "the real %s do not have the shown %s' shape" % (name, name)
        return None
    if mode == "each":
        pats = [s for s in shown if not s.ellipsis]
        if not real_lines:
            return "no output at all"
        for r in real_lines:
            if not any(s.matches(r) for s in pats):
                return "this line matches none of the shown ones: %r" % r
        return None
    if not match_in_order(shown, real_lines):
        return "the real output does not have the shown lines' shape"
    bad = states_agree(shown, real_lines)
    if bad:
        return "state lines differ from the shown ones: %r" % bad
    return None


def side_by_side(shown, real):
    out = ["shown in the docs:"]
    out += ["  | " + s for s in shown]
    out.append("real output:")
    out += ["  | " + r for r in real]
    return "\n".join(out)


def check(argv):
    man, readme, text, path = argv[:4]
    wild, mode = [], "in-order"
    rest = argv[4:]
    while rest:
        a = rest.pop(0)
        if a == "--wild":
            wild.append(rest.pop(0))
        elif a in ("--each", "--any-order"):
            mode = a[2:]
        else:
            sys.exit("examples.py check: unknown option %r" % a)
    found = [c for c in all_commands(man, readme) if c.text == text]
    if not found:
        print("not in the docs: %s" % text)
        return 2
    with_output = [c for c in found if c.output]
    if not with_output:
        print("the docs show no output for: %s (%s)" % (text, ", ".join(c.where for c in found)))
        return 2
    with open(path, errors="replace") as f:
        real = f.read().split("\n")
    while real and not real[-1].strip():
        real.pop()
    status = 0
    for c in with_output:
        shown = [map_hosts(s) for s in c.output]
        why = compare(shown, real, wild, mode)
        if why:
            print("%s: %s: %s\n%s" % (c.where, c.text, why, side_by_side(c.output, real)))
            status = 1
    return status


# --- a terminal ------------------------------------------------------------

def on_terminal(data):
    """What a terminal shows of data: no carriage returns, no colours."""
    return re.sub(rb"\x1b\[[0-9;]*[A-Za-z]", b"", data.replace(b"\r\n", b"\n"))


def kill_group(pgid):
    for sig in (signal.SIGTERM, signal.SIGKILL):
        try:
            os.killpg(pgid, sig)
        except ProcessLookupError:
            return
        time.sleep(0.3)


def run_pty(seconds, command):
    """bash -c command in a session of its own, its output on a terminal;
    the terminal's lines go to stdout as they come.  The command's
    background jobs may write on after it ended: this ends when nobody
    holds the terminal any more, or at the deadline."""
    master, slave = os.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 80, 0, 0))
    env = dict(os.environ)
    env.pop("COLUMNS", None)
    pid = os.fork()
    if pid == 0:
        try:
            # A session of its own, to be killed as one, but no controlling
            # terminal: its end must not hang up its background jobs.
            os.setsid()
            os.dup2(slave, 1)
            os.dup2(slave, 2)
            os.close(master)
            if slave > 2:
                os.close(slave)
            os.execvpe("bash", ["bash", "-c", command], env)
        finally:
            os._exit(127)
    os.close(slave)
    pending = b""

    def put(data, final=False):
        nonlocal pending
        pending += data
        cut = len(pending) if final else pending.rfind(b"\n") + 1
        if cut > 0:
            sys.stdout.buffer.write(on_terminal(pending[:cut]))
            sys.stdout.flush()
            pending = pending[cut:]

    def stop(signum, _frame):
        kill_group(pid)
        put(b"", True)
        os._exit(128 + signum)

    for sig in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
        signal.signal(sig, stop)
    deadline = time.monotonic() + seconds
    status = None
    timed_out = False
    while True:
        if status is None:
            done, st = os.waitpid(pid, os.WNOHANG)
            if done:
                status = st
        if time.monotonic() >= deadline:
            timed_out = True
            kill_group(pid)
            if status is None:
                _, status = os.waitpid(pid, 0)
            while select.select([master], [], [], 0)[0]:
                try:
                    data = os.read(master, 65536)
                except OSError:
                    break
                if not data:
                    break
                put(data)
            break
        if select.select([master], [], [], 0.05)[0]:
            try:
                data = os.read(master, 65536)
            except OSError:
                data = b""  # EIO: nobody holds the terminal any more
            if data:
                put(data)
                continue
            if status is not None:
                break
            time.sleep(0.02)  # the command closed its outputs but runs on
    os.close(master)
    put(b"", True)
    if timed_out:
        return 124
    if os.WIFEXITED(status):
        return os.WEXITSTATUS(status)
    return 128 + os.WTERMSIG(status)


def main(argv):
    if len(argv) >= 3 and argv[0] == "list":
        for c in all_commands(argv[1], argv[2]):
            print("%s\t%s" % (c.where, c.text))
        return 0
    if len(argv) == 4 and argv[0] == "runnable":
        print(runnable(argv[1], argv[2], argv[3]))
        return 0
    if len(argv) >= 5 and argv[0] == "check":
        return check(argv[1:])
    if len(argv) == 3 and argv[0] == "pty":
        return run_pty(float(argv[1]), argv[2])
    sys.exit(__doc__)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
