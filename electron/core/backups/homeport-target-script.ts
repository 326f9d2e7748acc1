// The root script that confines a backup user on another server, run there through sudo as
// `sh -c SCRIPT sh ACTION USER FOLDER MARKER [PUBLIC_KEY | MADE_DIR…]` (ACTION: setup, remove, or undo a
// setup that the core could not finish) — every value a positional argument, never spliced
// into the script. It works on the sshd that serves this very connection (the topmost sshd among the shell's
// ancestors): its config file (`-f`, else /etc/ssh/sshd_config), the drop-in folder that config Includes,
// `sshd -t` before a reload, `sshd -T -C user=…` to prove the rule is in effect for that user, then SIGHUP
// to that listener (what `systemctl reload ssh` does). A failed `setup` undoes what it made (trap on EXIT).
//
// Exit codes the core turns into errors: 10 no drop-in Include, 11 user exists and is not ours, 12 unsafe
// folder for a chroot, 13 sshd refused the config, 14 the rule is not in effect for the user, 15 no useradd.

export const TARGET_EXIT = { noInclude: 10, notOurs: 11, unsafeFolder: 12, configRefused: 13, notInEffect: 14, noUseradd: 15 } as const

// String.raw keeps every backslash the shell needs; only `\${`, written so for the template, becomes `${`.
export const TARGET_SCRIPT = String.raw`set -u
action=$1 user=$2 folder=$3 marker=$4 pubkey=\${5:-}
fail() { code=$1; shift; echo "homeport: $*" >&2; exit "$code"; }

# The sshd serving this connection: the topmost ancestor whose program is sshd.
pid=$$ listener=
while [ "$pid" -gt 1 ] 2>/dev/null; do
  exe=$(readlink "/proc/$pid/exe" 2>/dev/null || true)
  case "\${exe% (deleted)}" in */sshd) listener=$pid ;; esac
  pid=$(sed 's/^.*) //' "/proc/$pid/stat" | cut -d' ' -f2)
done
[ -n "$listener" ] || fail 14 "could not find the sshd serving this connection"
sshd=$(readlink "/proc/$listener/exe"); sshd=\${sshd% (deleted)}
config=$(tr '\0' ' ' <"/proc/$listener/cmdline" | sed -n 's/.* -f \([^ ]*\).*/\1/p')
[ -n "$config" ] || config=/etc/ssh/sshd_config
dropins=$(awk 'tolower($1) == "include" { for (i = 2; i <= NF; i++) print $i }' "$config" | grep '/\*\.conf$' | head -n 1)
[ -n "$dropins" ] || fail 10 "$config has no 'Include …/*.conf' line"
case $dropins in /*) ;; *) dropins=/etc/ssh/$dropins ;; esac
dropins=\${dropins%/*}
dropin=$dropins/homeport-backup-\${user#hp-backup-}.conf
keys=$folder/.ssh/authorized_keys

ours() { [ "$(getent passwd "$user" | cut -d: -f5)" = "$marker" ]; }
reload() {
  "$sshd" -t -f "$config" || return 1
  kill -HUP "$listener"
}

if [ "$action" = remove ] || [ "$action" = undo ]; then
  if getent passwd "$user" >/dev/null; then ours || fail 11 "user $user exists and was not made by Homeport"; fi
  rm -f "$dropin"
  reload || fail 13 "sshd refused its config after removing $dropin"
  pkill -KILL -u "$user" 2>/dev/null || true
  if getent passwd "$user" >/dev/null; then userdel "$user" || fail 1 "userdel $user failed"; fi
  rm -rf "$folder/.ssh"
  # The backups stay; a later user that gets the same uid must not own them.
  [ -d "$folder/data" ] && chown -R 0:0 "$folder/data"
  # undo: what a setup made moments ago, folders only while empty (the ones it created follow as arguments).
  if [ "$action" = undo ]; then
    shift 4
    for d in "$folder/data" "$@"; do rmdir "$d" 2>/dev/null; done
  fi
  exit 0
fi

made_user= made_dropin= made_dirs= made_data= made_ssh=
undo() {
  [ -n "$made_dropin" ] && { rm -f "$dropin"; "$sshd" -t -f "$config" >/dev/null 2>&1 && kill -HUP "$listener"; }
  [ -n "$made_user" ] && userdel "$user" 2>/dev/null
  [ -n "$made_ssh" ] && rm -rf "$folder/.ssh"
  [ -n "$made_data" ] && rmdir "$folder/data" 2>/dev/null
  for d in $made_dirs; do rmdir "$d" 2>/dev/null; done
  return 0
}
trap 'status=$?; [ "$status" -eq 0 ] || undo' EXIT

existed=no
if getent passwd "$user" >/dev/null; then
  ours || fail 11 "user $user exists and was not made by Homeport"
  existed=yes
fi

# A chroot must be root-owned and writable by nobody else, every folder up to /.
path=
for part in $(echo "\${folder#/}" | tr '/' ' '); do
  path=$path/$part
  if [ -d "$path" ]; then
    set -- $(stat -c '%u %a' "$path")
    [ "$1" = 0 ] || fail 12 "$path is not owned by root"
    case $2 in *[2367]? | *[2367]) fail 12 "$path is writable by others than root (mode $2)" ;; esac
  else
    mkdir -m 755 "$path" || fail 1 "could not create $path"
    made_dirs="$path $made_dirs"
  fi
done

# Never a folder that already holds something else (/etc, a home…): the user would see all of it.
if [ -d "$folder" ]; then
  others=$(ls -A "$folder" | grep -v -x -e data -e .ssh | head -n 1)
  [ -z "$others" ] || fail 12 "$folder already holds other files ($others); choose a new or empty folder"
fi

if [ "$existed" = no ]; then
  command -v useradd >/dev/null || fail 15 "useradd is not installed"
  nologin=$(command -v nologin || echo /usr/sbin/nologin)
  useradd --system --user-group --no-create-home --home-dir "$folder" --shell "$nologin" --comment "$marker" "$user" || fail 1 "useradd $user failed"
  made_user=yes
  # No password ('*'), yet not locked ('!'): sshd without PAM refuses even keys to a locked account.
  usermod -p '*' "$user" || fail 1 "usermod $user failed"
fi

[ -d "$folder/data" ] || made_data=yes
[ -d "$folder/.ssh" ] || made_ssh=yes
mkdir -p "$folder/data" "$folder/.ssh" || fail 1 "could not create $folder/data"
chown "$user:" "$folder/data" && chmod 700 "$folder/data"
chown 0:0 "$folder/.ssh" && chmod 755 "$folder/.ssh"
# restrict: no forwarding, no pty, no ~/.ssh/rc, whatever the rule below says.
printf 'restrict %s\n' "$pubkey" >"$keys" && chmod 644 "$keys" && chown 0:0 "$keys" || fail 1 "could not write $keys"

[ -e "$dropin" ] || made_dropin=yes
mkdir -p "$dropins"
cat >"$dropin" <<EOF
# Made by Homeport: $marker. May only use SFTP inside $folder.
Match User $user
	ChrootDirectory $folder
	ForceCommand internal-sftp -d /data
	AuthorizedKeysFile $keys
	AuthenticationMethods publickey
	AllowTcpForwarding no
	AllowStreamLocalForwarding no
	AllowAgentForwarding no
	X11Forwarding no
	PermitTunnel no
	PermitTTY no
	PermitUserRC no
Match all
EOF
chmod 644 "$dropin"
"$sshd" -t -f "$config" || fail 13 "sshd refused the config with $dropin"
effective=$("$sshd" -T -f "$config" -C "user=$user,host=localhost,addr=127.0.0.1" 2>&1) || fail 14 "$effective"
echo "$effective" | grep -qx "chrootdirectory $folder" || fail 14 "$dropin is not in effect for $user (an earlier Match or setting wins)"
echo "$effective" | grep -qx "forcecommand internal-sftp -d /data" || fail 14 "$dropin is not in effect for $user (an earlier ForceCommand wins)"
for list in allowusers allowgroups; do
  if echo "$effective" | grep -q "^$list "; then echo "$effective" | grep -qx "$list $user" || fail 14 "sshd's $list does not list $user: add it there"; fi
done
kill -HUP "$listener" || fail 1 "could not reload sshd"
echo "homeport: user $user ($existed)"
echo "homeport: made $made_dirs"
`.replaceAll('\\${', '${')
