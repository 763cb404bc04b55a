// The probe helper's program: Perl 5 (perl-base is Essential on Debian, so every client has it)
// with no module (the open flags and file type bits come as arguments from Node's fs.constants:
// Fcntl alone was 0.45 MiB of the helper's 5.7 MiB RSS, and a larger helper forks slower). It
// runs as `perl -e PROBE_SCRIPT ARGS` from an argument array with an empty environment (no
// PERL5LIB/PERL5OPT can reach a root process). Protocol: src/probes/probe-protocol.ts.
//
// The helper itself never touches a mount: it reads requests on stdin and hands each probe, or
// batch of probes (src/probes/probe-helper.ts says when), to a worker: a child it forked, which
// runs the probe (a batch: each in turn), writes one result line per probe to a pipe of its own
// (the helper passes the lines on, see $HOLD) and waits for the next request. The helper reports
// the worker's pid, kills it when asked, and reports the end of the request (or the worker's exit).
// What a worker guarantees, whatever the volume holds:
// - every step runs relative to a folder it opened with O_DIRECTORY|O_NOFOLLOW and fstat()ed:
//   a directory on the mount's device (`.` after chdir into the mountpoint, then `.ha-mount`,
//   then `<host>`), so no symlink, FIFO, device node or swapped folder can lead it elsewhere;
// - the probe file is only ever created with O_CREAT|O_EXCL|O_NOFOLLOW: the worker never opens
//   anything that existed before (what was at the name is removed only when it is a regular file);
// - between requests its working folder is / and it holds no file: it keeps no mount busy;
// - anything unexpected is the verdict `tampered` and nothing is written.
// The helper also watches FUSE daemons for the agent: a pidfd (pidfd_open(2), Linux 5.3) per
// daemon in the same select(2) as its stdin turns readable when the daemon exits, so a death is
// told at once and the agent polls nothing. The daemon is not the helper's child: it only learns
// that it ended, which the agent then reads from /proc itself.
// Arguments: ENOENT EEXIST ENOTDIR ELOOP EINTR ESRCH (this system's numbers), and the fsync,
// exit_group and pidfd_open syscall numbers of this architecture ("" when unknown: IO::Handle's
// sync and exit are used instead, and no daemon is watched; exit_group skips Perl's clean-up,
// about 40 % of a probe child's CPU when a child ran one request), then O_RDONLY O_RDWR O_CREAT O_EXCL O_NOFOLLOW O_DIRECTORY
// O_NONBLOCK and S_IFMT S_IFDIR S_IFREG S_IFLNK S_IFIFO S_IFCHR S_IFBLK S_IFSOCK of this system.

/** The helper's Perl source. */
export const PROBE_SCRIPT = String.raw`
use strict;
my ($ENOENT, $EEXIST, $ENOTDIR, $ELOOP, $EINTR, $ESRCH, $FSYNC, $EXIT, $PIDFD_OPEN,
  $O_RDONLY, $O_RDWR, $O_CREAT, $O_EXCL, $O_NOFOLLOW, $O_DIRECTORY, $O_NONBLOCK,
  $S_IFMT, $S_IFDIR, $S_IFREG, $S_IFLNK, $S_IFIFO, $S_IFCHR, $S_IFBLK, $S_IFSOCK) = @ARGV;
# numbers, not strings: | and & on two strings would work on their characters
$_ += 0 for ($O_RDONLY, $O_RDWR, $O_CREAT, $O_EXCL, $O_NOFOLLOW, $O_DIRECTORY, $O_NONBLOCK, $S_IFMT, $S_IFDIR, $S_IFREG, $S_IFLNK, $S_IFIFO, $S_IFCHR, $S_IFBLK, $S_IFSOCK);
sub S_ISDIR { ($_[0] & $S_IFMT) == $S_IFDIR } sub S_ISREG { ($_[0] & $S_IFMT) == $S_IFREG }
sub S_ISLNK { ($_[0] & $S_IFMT) == $S_IFLNK } sub S_ISFIFO { ($_[0] & $S_IFMT) == $S_IFIFO }
sub S_ISCHR { ($_[0] & $S_IFMT) == $S_IFCHR } sub S_ISBLK { ($_[0] & $S_IFMT) == $S_IFBLK }
sub S_ISSOCK { ($_[0] & $S_IFMT) == $S_IFSOCK }
$0 = 'ha-mount-probe-helper';
my (%pid_of, %id_of);
# watched daemons: ID -> the pidfd's handle
my %watch;

# Probes run in workers: children forked by the helper that take one request (a probe or a batch)
# at a time from a pipe of their own, write one result line per probe to another, and then say
# "ID" on the done pipe, which all workers share and the helper waits on. A worker done with its
# request waits for the next one: forking a child per request and its exit were most of the
# helper's and its children's CPU (perf: fork, exit and copy-on-write faults). A worker stuck in a
# hung mount is killed on the agent's request and reaped; the next request forks a new one. At most
# $IDLE_MAX workers wait idle; more are told to end (their request pipe closed). Workers stay for
# batches (b, several mounts); a probe alone (p: one mount watched, or one probed apart after it
# held up a batch) takes an idle worker if there is one, else a worker forked for it alone, which
# ends after it: a waiting worker's pages count again in RSS (~3.5 MiB, shared with the helper),
# which one fork a second (~1 ms of CPU with one mount) does not earn.
# The helper reads the result pipes of busy workers every $HOLD s, and at once when a worker is done
# or reaped; what it read goes to the agent in one write, with the x line. A batch's answers then
# wake the agent (and the helper) once, not once a line; the answers before a stuck probe still
# reach the agent within $HOLD (far inside probe.batchDeadlineMs). A daemon's death or a refused
# watch is written at once.
my $HOLD = 0.02;
my $IDLE_MAX = 1;
my $CHILD_OUT;        # in a worker: its result pipe to the helper
my ($DONE_IN, $DONE_OUT);
# pid -> { to: request pipe (undef: told to end), from: result pipe, part: a partial line, and of the
# request it runs: id, line, stay (a batch's worker waits for more), reused (it waited for this one),
# said (it wrote something back), killed (on the agent's request) }
my %worker;
my @idle;             # pids of workers waiting for a request
my $held = '';        # lines for the agent not written yet
my $relay_for = 0;    # s since the busy workers' pipes were last read (from select's time left)
my $hold_now = $HOLD; # doubles, up to 1 s, while the busy workers write nothing (one stuck in a hung mount)

sub hold { $held .= $_[0]; }

sub send_held {
  while ($held ne '') {
    my $sent = syswrite(STDOUT, $held);
    if (!defined $sent) { next if $! + 0 == $EINTR; exit(1); }
    substr($held, 0, $sent, '');
  }
}

sub out {
  my $line = "$_[0]\n";
  if (defined $CHILD_OUT) { syswrite($CHILD_OUT, $line); return; }
  hold($line);
  send_held();
}

sub busy { grep { defined $_->{id} } values %worker }

# what a worker wrote so far, read without waiting: its whole lines are held; false at the pipe's end
sub relay_read {
  my ($w) = @_;
  for (;;) {
    my $bits = '';
    vec($bits, fileno($w->{from}), 1) = 1;
    return 1 unless select($bits, undef, undef, 0) > 0;
    my $got = sysread($w->{from}, my $chunk, 65536);
    if (!defined $got) { next if $! + 0 == $EINTR; return 0; }
    return 0 if $got == 0;
    $w->{said} = 1;
    $w->{part} .= $chunk;
    my $end = rindex($w->{part}, "\n");
    hold(substr($w->{part}, 0, $end + 1, '')) if $end >= 0;
  }
}

# what the busy workers wrote so far, and the held lines sent
sub collect {
  my $before = length($held);
  relay_read($_) for busy();
  my $read = length($held) > $before;
  send_held();
  $relay_for = 0;
  $hold_now = $read ? $HOLD : $hold_now * 2 > 1 ? 1 : $hold_now * 2;
}

# a worker ended its request: its lines, then x; it waits for the next request, or ends
sub finished {
  my ($id) = @_;
  my $pid = delete $pid_of{$id};
  return unless defined $pid;
  delete $id_of{$pid};
  my $w = $worker{$pid};
  relay_read($w);
  $w->{id} = undef;
  hold("$id x 0\n");
  return unless defined $w->{to};
  if (@idle < $IDLE_MAX) { push(@idle, $pid); return; }
  close($w->{to});
  $w->{to} = undef;
}

sub devname {
  my ($d) = @_;
  my $major = (($d >> 8) & 0xfff) | (($d >> 32) & 0xfffff000);
  my $minor = ($d & 0xff) | (($d >> 12) & 0xffffff00);
  return "$major:$minor";
}

sub kind {
  my ($mode) = @_;
  return 'symlink' if S_ISLNK($mode);
  return 'folder' if S_ISDIR($mode);
  return 'fifo' if S_ISFIFO($mode);
  return 'device' if S_ISCHR($mode) || S_ISBLK($mode);
  return 'socket' if S_ISSOCK($mode);
  return 'file' if S_ISREG($mode);
  return 'other';
}

# the child's one result line: ID r VERDICT STEP ERRNO CODE WHERE [ARG]; WHERE names the path
my ($ID, $WHERE) = (0, 'root');
sub done { my ($verdict, $step, $errno, $code, $arg) = @_; out(join(' ', $ID, 'r', $verdict, $step, $errno, $code, $WHERE, defined $arg ? $arg : ())); return 0; }
sub failed { my ($step, $code) = @_; return done('errno', $step, $! + 0, $code); }

# mkdir NAME when missing, then chdir into it through an fd that is a folder on the mount's device
sub enter {
  my ($name, $dev, $where) = @_;
  $WHERE = $where;
  if (!mkdir($name, 0755) && $! + 0 != $EEXIST) { return failed('mkdir', 'mkdir'); }
  my @seen = lstat($name);
  return failed('mkdir', 'lstat') unless @seen;
  return done('tampered', 'mkdir', 0, kind($seen[2])) unless S_ISDIR($seen[2]);
  return done('tampered', 'mkdir', 0, 'other-device', devname($seen[0])) if devname($seen[0]) ne $dev;
  my $fh;
  if (!sysopen($fh, $name, $O_RDONLY | $O_DIRECTORY | $O_NOFOLLOW | $O_NONBLOCK)) {
    return done('tampered', 'mkdir', 0, 'swapped') if $! + 0 == $ENOTDIR || $! + 0 == $ELOOP;
    return failed('mkdir', 'open');
  }
  my @opened = stat($fh);
  return failed('mkdir', 'fstat') unless @opened;
  return done('tampered', 'mkdir', 0, 'swapped') if $opened[0] != $seen[0] || $opened[1] != $seen[1] || !S_ISDIR($opened[2]);
  return failed('mkdir', 'chdir') unless chdir($fh);
  close($fh);
  my @here = stat('.');
  return failed('mkdir', 'stat') unless @here;
  return done('tampered', 'mkdir', 0, 'swapped') if $here[0] != $seen[0] || $here[1] != $seen[1];
  return 1;
}

sub probe {
  my ($mode, $mount, $dev, $host, $file, $token, $nonce) = @_;
  return failed('lookup', 'chdir') unless chdir($mount);
  my @root = stat('.');
  return failed('lookup', 'stat') unless @root;
  return done('unsafe', 'lookup', 0, 'other-device', devname($root[0])) if devname($root[0]) ne $dev;
  $WHERE = 'lookup';
  if (lstat(".ha-mount-lookup-$nonce")) { return done('ok', 'lookup', 0, 'exists') if $mode eq 'l'; }
  elsif ($! + 0 != $ENOENT) { return failed('lookup', 'lookup'); }
  return done('ok', 'lookup', 0, 'answered') if $mode eq 'l';
  return 0 unless enter('.ha-mount', $dev, 'folder') && enter($host, $dev, 'host');
  $WHERE = 'file';
  my @old = lstat($file);
  if (@old) {
    return done('tampered', 'write', 0, kind($old[2])) unless S_ISREG($old[2]);
    return failed('write', 'unlink') unless unlink($file);
  } elsif ($! + 0 != $ENOENT) { return failed('write', 'lstat'); }
  my $fh;
  if (!sysopen($fh, $file, $O_RDWR | $O_CREAT | $O_EXCL | $O_NOFOLLOW | $O_NONBLOCK, 0644)) {
    return done('tampered', 'write', 0, 'recreated') if $! + 0 == $EEXIST || $! + 0 == $ELOOP;
    return failed('write', 'create');
  }
  my @made = stat($fh);
  return failed('write', 'fstat') unless @made;
  return done('tampered', 'write', 0, kind($made[2])) unless S_ISREG($made[2]) && devname($made[0]) eq $dev;
  my $written = syswrite($fh, $token);
  return failed('write', 'write') unless defined $written;
  return done('bad', 'write', 0, 'short-write') if $written != length($token);
  if ($FSYNC ne '') { return failed('write', 'fsync') if syscall($FSYNC + 0, fileno($fh)) == -1; }
  else { require IO::Handle; return failed('write', 'fsync') unless $fh->sync; }
  return failed('read', 'seek') unless defined sysseek($fh, 0, 0);
  my $back = '';
  return failed('read', 'read') unless defined sysread($fh, $back, length($token) + 1);
  return done('bad', 'read', 0, 'mismatch') if $back ne $token;
  return done('ok', 'read', 0, 'written');
}

sub reap {
  while ((my $pid = waitpid(-1, 1)) > 0) {
    my $w = delete $worker{$pid};
    next unless defined $w;
    @idle = grep { $_ != $pid } @idle;
    my $id = delete $id_of{$pid};
    # the worker is gone, its end of the pipe closed: what it wrote is read to the end, then x
    if (defined $id) {
      delete $pid_of{$id};
      1 while relay_read($w);
    }
    close($w->{from});
    close($w->{to}) if defined $w->{to};
    next unless defined $id;
    # a waiting worker that died (OOM killer, a stray kill) before it answered a word of the request
    # it was just given: the request goes to a new worker, once
    if ($w->{reused} && !$w->{said} && !$w->{killed}) { dispatch($id, $w->{line}, $w->{stay}, 1); next; }
    hold("$id x $?\n");
  }
}

# in a worker: runs each request from the helper, then says its ID on the done pipe; ends when the
# helper closes the request pipe (or dies)
sub work {
  my ($requests) = @_;
  my $buffer = '';
  for (;;) {
    my $got = sysread($requests, $buffer, 65536, length($buffer));
    if (!defined $got) { next if $! + 0 == $EINTR; return; }
    return if $got == 0;
    while ($buffer =~ s/^([^\n]*)\n//) {
      my ($command, $id, @fields) = split(/ /, $1);
      run_request($command, $id, @fields);
      # the worker holds nothing of a mount between requests
      chdir('/');
      syswrite($DONE_OUT, "$id\n");
    }
  }
}

# forks a worker; undef (and errno in $!) when it cannot
sub spawn_worker {
  my ($from, $to, $requests, $give);
  return undef unless pipe($from, $to);
  if (!pipe($requests, $give)) { my $errno = $!; close($from); close($to); $! = $errno; return undef; }
  my $pid = fork();
  if (!defined $pid) { my $errno = $!; close($_) for ($from, $to, $requests, $give); $! = $errno; return undef; }
  if ($pid == 0) {
    $SIG{CHLD} = 'DEFAULT';
    # not closed: Perl never closes a handle on fd 0 or 1 when it goes out of scope, and the
    # folders a probe opens would take those fds and keep the mount busy after the request
    open(STDIN, '<', '/dev/null');
    open(STDOUT, '>', '/dev/null');
    close($_) for ($from, $give, $DONE_IN, values %watch);
    for my $other (values %worker) { close($other->{from}); close($other->{to}) if defined $other->{to}; }
    $CHILD_OUT = $to;
    work($requests);
    syscall($EXIT + 0, 0) if $EXIT ne '';
    exit(0);
  }
  close($to);
  close($requests);
  $worker{$pid} = { to => $give, from => $from, part => '', id => undef };
  return $pid;
}

# writes all of TEXT to a worker's request pipe; false when it cannot (the worker is gone: EPIPE)
sub give {
  my ($fh, $text) = @_;
  while ($text ne '') {
    my $sent = syswrite($fh, $text);
    if (!defined $sent) { next if $! + 0 == $EINTR; return 0; }
    substr($text, 0, $sent, '');
  }
  return 1;
}

# gives request LINE (ID $id) to an idle worker, or to a new one
sub dispatch {
  my ($id, $line, $stay, $again) = @_;
  my $pid;
  while (!$again && defined($pid = shift(@idle))) {
    # a worker that died idle and is not reaped yet: EPIPE, SIGPIPE ignored
    last if give($worker{$pid}{to}, "$line\n");
    kill('KILL', $pid);
  }
  my $reused = defined $pid;
  if (!defined $pid) {
    $pid = spawn_worker();
    if (!defined $pid || !give($worker{$pid}{to}, "$line\n")) {
      my $errno = $! + 0;
      kill('KILL', $pid) if defined $pid;
      out("$id r errno none $errno fork root");
      out("$id x 0");
      return;
    }
    # a worker forked for a probe alone ends after it (its request pipe closed now)
    if (!$stay) { close($worker{$pid}{to}); $worker{$pid}{to} = undef; }
  }
  $relay_for = 0 unless busy();
  $hold_now = $HOLD; # a new request's answers before a stuck probe must not wait for an old stuck one
  @{$worker{$pid}}{qw(id line stay reused said killed)} = ($id, $line, $stay, $reused, 0, 0);
  $pid_of{$id} = $pid;
  $id_of{$pid} = $id;
  hold("$id s $pid\n");
}

# the stat line of PID still names the process that started at START and has not ended
sub still_runs {
  my ($pid, $start) = @_;
  open(my $fh, '<', "/proc/$pid/stat") or return 0;
  my $line = <$fh>;
  close($fh);
  return 0 unless defined $line && $line =~ /^.*\) (\S) (.*)$/;
  my ($state, @fields) = ($1, split(/ /, $2));
  # field 22 (start time) is the 19th after the state
  return $state ne 'Z' && $state ne 'X' && defined $fields[18] && $fields[18] eq $start;
}

# w ID PID START: tell "ID d" once the daemon has ended, "ID n ERRNO" when it cannot be watched
sub watch {
  my ($id, $pid, $start) = @_;
  return out("$id n 0") unless $PIDFD_OPEN ne '' && $pid =~ /^[1-9][0-9]{0,9}$/ && $start =~ /^[0-9]{1,20}$/;
  my $fd = syscall($PIDFD_OPEN + 0, $pid + 0, 0);
  if ($fd < 0) { return out($! + 0 == $ESRCH ? "$id d" : "$id n " . ($! + 0)); }
  my $fh;
  # a handle on the descriptor, so close() ends it; select(2) takes descriptors below 1024 only
  return out("$id n " . ($! + 0)) unless open($fh, "<&=", $fd);
  if (fileno($fh) >= 1024) { close($fh); return out("$id n 0"); }
  # opened after the check would watch another process that took the pid: check after opening
  if (!still_runs($pid, $start)) { close($fh); return out("$id d"); }
  $watch{$id} = $fh;
}

# in a worker: the probe or the batch of one request; each result line under its probe's ID
sub run_request {
  my ($command, $id, @fields) = @_;
  @fields = ($id, @fields) if $command eq 'p';
  while (my ($member, $mode, $mount, $dev, $host, $file, $token, $nonce) = splice(@fields, 0, 8)) {
    ($ID, $WHERE) = ($member, 'root');
    probe($mode, pack('H*', $mount), $dev, pack('H*', $host), pack('H*', $file), pack('H*', $token), $nonce);
  }
}

sub handle {
  my ($command, $id, @fields) = split(/ /, $_[0]);
  return unless defined $id;
  if ($command eq 'k') {
    return unless defined $pid_of{$id};
    $worker{$pid_of{$id}}{killed} = 1;
    kill('KILL', $pid_of{$id});
    return;
  }
  if ($command eq 'w' && @fields == 2) { return watch($id, @fields); }
  if ($command eq 'u') { close(delete $watch{$id}) if defined $watch{$id}; return; }
  # p: one probe; b: a batch of probes, one after the other in one worker
  dispatch($id, $_[0], 0) if $command eq 'p' && @fields == 7;
  dispatch($id, $_[0], 1) if $command eq 'b' && @fields >= 8 && @fields % 8 == 0;
}

$SIG{CHLD} = sub { };
$SIG{PIPE} = 'IGNORE';
pipe($DONE_IN, $DONE_OUT) or exit(1);
my ($buffer, $done) = ('', '');
for (;;) {
  reap();
  send_held();
  my $in = '';
  vec($in, fileno($_), 1) = 1 for (\*STDIN, $DONE_IN, values %watch);
  my $busy = busy();
  # a worker's end interrupts select (SIGCHLD); one that ends in the gap before it is reaped within 0.1 s
  my $wait = $busy ? ($hold_now > $relay_for ? $hold_now - $relay_for : 0) : (grep { !defined $_->{to} } values %worker) ? 0.1 : undef;
  my ($ready, $left) = select(my $out = $in, undef, undef, $wait);
  if ($busy && defined $left) {
    $relay_for += $wait - $left;
    collect() if $relay_for >= $hold_now;
  }
  next if $ready <= 0;
  for my $id (keys %watch) {
    next unless vec($out, fileno($watch{$id}), 1);
    close(delete $watch{$id});
    out("$id d");
  }
  if (vec($out, fileno($DONE_IN), 1) && sysread($DONE_IN, $done, 65536, length($done))) {
    while ($done =~ s/^([^\n]*)\n//) { finished($1); }
  }
  next unless vec($out, fileno(STDIN), 1);
  my $got = sysread(STDIN, $buffer, 65536, length($buffer));
  if (!defined $got) { next if $! + 0 == $EINTR; exit(1); }
  exit(0) if $got == 0;
  while ($buffer =~ s/^([^\n]*)\n//) { handle($1); }
}
`;
