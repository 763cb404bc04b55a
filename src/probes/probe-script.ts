// The probe helper's program: Perl 5 (perl-base is Essential on Debian, so every client has it)
// with no module (the open flags and file type bits come as arguments from Node's fs.constants:
// Fcntl alone was 0.45 MiB of the helper's 5.7 MiB RSS, and a larger helper forks slower). It
// runs as `perl -e PROBE_SCRIPT ARGS` from an argument array with an empty environment (no
// PERL5LIB/PERL5OPT can reach a root process). Protocol: src/probes/probe-protocol.ts.
//
// The helper itself never touches a mount: it reads requests on stdin, forks one child per probe,
// or one child per batch of probes (src/probes/probe-helper.ts says when), reports the child's
// pid, kills it when asked, reaps it and reports its exit. The child does the whole probe (a
// batch child: each probe in turn), writes one result line per probe (one write(2) of under 512
// bytes: atomic on the shared pipe) and exits. What the child guarantees, whatever the volume holds:
// - every step runs relative to a folder it opened with O_DIRECTORY|O_NOFOLLOW and fstat()ed:
//   a directory on the mount's device (`.` after chdir into the mountpoint, then `.ha-mount`,
//   then `<host>`), so no symlink, FIFO, device node or swapped folder can lead it elsewhere;
// - the probe file is only ever created with O_CREAT|O_EXCL|O_NOFOLLOW: the child never opens
//   anything that existed before (what was at the name is removed only when it is a regular file);
// - anything unexpected is the verdict `tampered` and nothing is written.
// Arguments: ENOENT EEXIST ENOTDIR ELOOP EINTR (this system's numbers), and the fsync and
// exit_group syscall numbers of this architecture ("" when unknown: IO::Handle's sync and exit
// are used instead; exit_group skips Perl's clean-up, about 40 % of a probe child's CPU), then
// O_RDONLY O_RDWR O_CREAT O_EXCL O_NOFOLLOW O_DIRECTORY O_NONBLOCK and S_IFMT S_IFDIR S_IFREG
// S_IFLNK S_IFIFO S_IFCHR S_IFBLK S_IFSOCK of this system.

/** The helper's Perl source. */
export const PROBE_SCRIPT = String.raw`
use strict;
my ($ENOENT, $EEXIST, $ENOTDIR, $ELOOP, $EINTR, $FSYNC, $EXIT,
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

sub out { my $line = "$_[0]\n"; syswrite(STDOUT, $line); }

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
    my $id = delete $id_of{$pid};
    next unless defined $id;
    delete $pid_of{$id};
    out("$id x $?");
  }
}

# forks the child that runs $work; its pid is reported under $id, and later its exit
sub spawn_child {
  my ($id, $work) = @_;
  my $pid = fork();
  if (!defined $pid) { out("$id r errno none " . ($! + 0) . ' fork root'); out("$id x 0"); return; }
  if ($pid == 0) {
    $SIG{CHLD} = 'DEFAULT';
    close(STDIN);
    $work->();
    syscall($EXIT + 0, 0) if $EXIT ne '';
    exit(0);
  }
  $pid_of{$id} = $pid;
  $id_of{$pid} = $id;
  out("$id s $pid");
}

sub handle {
  my ($command, $id, @fields) = split(/ /, $_[0]);
  return unless defined $id;
  if ($command eq 'k') { kill('KILL', $pid_of{$id}) if defined $pid_of{$id}; return; }
  if ($command eq 'p' && @fields == 7) {
    my ($mode, $mount, $dev, $host, $file, $token, $nonce) = @fields;
    $_ = pack('H*', $_) for ($mount, $host, $file, $token);
    spawn_child($id, sub { $ID = $id; probe($mode, $mount, $dev, $host, $file, $token, $nonce); });
    return;
  }
  # a batch of probes, one child for all, one after the other; each result line under its own ID
  return unless $command eq 'b' && @fields >= 8 && @fields % 8 == 0;
  spawn_child($id, sub {
    while (my ($member, $mode, $mount, $dev, $host, $file, $token, $nonce) = splice(@fields, 0, 8)) {
      ($ID, $WHERE) = ($member, 'root');
      probe($mode, pack('H*', $mount), $dev, pack('H*', $host), pack('H*', $file), pack('H*', $token), $nonce);
    }
  });
}

$SIG{CHLD} = sub { };
my $buffer = '';
my $in = '';
vec($in, fileno(STDIN), 1) = 1;
for (;;) {
  reap();
  my $ready = select(my $out = $in, undef, undef, %pid_of ? 0.1 : undef);
  next if $ready <= 0;
  my $got = sysread(STDIN, $buffer, 65536, length($buffer));
  if (!defined $got) { next if $! + 0 == $EINTR; exit(1); }
  exit(0) if $got == 0;
  while ($buffer =~ s/^([^\n]*)\n//) { handle($1); }
}
`;
