package run

import (
	"context"
	"errors"
	"fmt"
	"net/netip"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"slices"
	"strconv"
	"syscall"
	"time"

	"github.com/moatnet/moat/twin"
)

// PostgresCache holds a freshly initialised PostgreSQL cluster per
// version, made once per machine: initdb takes about a second, copying
// the result takes a few milliseconds, and `twin up` has a budget of 3 s.
const PostgresCache = "/var/cache/moat"

// DebianPostgres finds the server binaries of Debian's postgresql package
// (/usr/lib/postgresql/VERSION/bin, newest first). Only Debian's layout
// is used, so a postgres binary of unknown origin elsewhere on PATH is
// never run as the database.
func DebianPostgres() (bin, version string, ok bool) {
	ents, err := os.ReadDir("/usr/lib/postgresql")
	if err != nil {
		return "", "", false
	}
	var vs []int
	for _, e := range ents {
		if v, err := strconv.Atoi(e.Name()); err == nil {
			vs = append(vs, v)
		}
	}
	slices.Sort(vs)
	for i := len(vs) - 1; i >= 0; i-- {
		b := filepath.Join("/usr/lib/postgresql", strconv.Itoa(vs[i]), "bin")
		if isExec(filepath.Join(b, "postgres")) && isExec(filepath.Join(b, "initdb")) {
			return b, strconv.Itoa(vs[i]), true
		}
	}
	return "", "", false
}

func isExec(p string) bool {
	fi, err := os.Stat(p)
	return err == nil && fi.Mode().IsRegular() && fi.Mode()&0o111 != 0
}

// postgres runs a real PostgreSQL for a listener, as the postgres user,
// inside the listener's namespace and bound to its address only. It
// reports false, with no error, when Debian's PostgreSQL is not installed.
func (d *daemon) postgres(ctx context.Context, l twin.Listener) (bool, error) {
	bin, version, ok := DebianPostgres()
	if !ok {
		return false, nil
	}
	u, err := user.Lookup("postgres")
	if err != nil {
		return false, fmt.Errorf("no postgres user: %w", err)
	}
	uid, _ := strconv.Atoi(u.Uid)
	gid, _ := strconv.Atoi(u.Gid)
	cred := &syscall.Credential{Uid: uint32(uid), Gid: uint32(gid)}
	tmpl := filepath.Join(PostgresCache, "postgres-"+version)
	if _, err := os.Stat(filepath.Join(tmpl, "PG_VERSION")); err != nil {
		if err := initTemplate(ctx, bin, tmpl, uid, gid, cred); err != nil {
			return false, err
		}
	}
	data := filepath.Join(d.dir, "pg-"+clean(l.Host))
	if out, err := exec.CommandContext(ctx, "cp", "-a", tmpl, data).CombinedOutput(); err != nil {
		return false, fmt.Errorf("copy cluster: %w: %s", err, out)
	}
	logf, err := os.Create(filepath.Join(d.dir, "pg-"+clean(l.Host)+".log"))
	if err != nil {
		return false, fmt.Errorf("postgres log: %w", err)
	}
	defer logf.Close()
	cmd := exec.Command(filepath.Join(bin, "postgres"), "-D", data,
		"-c", "listen_addresses="+l.IP.String(), "-p", strconv.Itoa(l.Port), "-k", data,
		"-c", "fsync=off", "-c", "synchronous_commit=off", "-c", "full_page_writes=off",
		"-c", "shared_buffers=16MB", "-c", "max_connections=20")
	cmd.Stdout, cmd.Stderr = logf, logf
	cmd.SysProcAttr = &syscall.SysProcAttr{Credential: cred, Setpgid: true}
	if err := InNS(l.NS, cmd.Start); err != nil {
		return false, fmt.Errorf("start postgres: %w", err)
	}
	exited := make(chan struct{})
	go func() { _ = cmd.Wait(); close(exited) }()
	d.mu.Lock()
	d.stops = append(d.stops, func() {
		_ = cmd.Process.Signal(syscall.SIGQUIT)
		select {
		case <-exited:
		case <-time.After(time.Second):
			_ = cmd.Process.Kill()
		}
	})
	d.mu.Unlock()
	a := netip.AddrPortFrom(l.IP, uint16(l.Port))
	deadline := time.Now().Add(15 * time.Second)
	for time.Now().Before(deadline) {
		select {
		case <-exited:
			return false, fmt.Errorf("postgres exited at start (see %s)", logf.Name())
		default:
		}
		// Ready when it answers a query: PostgreSQL accepts connections
		// while it starts up, and refuses their queries ("the database
		// system is starting up").
		if c, err := dialIn(l.NS, a, 200*time.Millisecond); err == nil {
			_, qerr := PGQuery(c, "postgres", "select 1", time.Second)
			c.Close()
			if qerr == nil {
				d.log.Printf("%s: PostgreSQL %s answering on %s", l.Host, version, a)
				return true, nil
			}
		}
		time.Sleep(20 * time.Millisecond)
	}
	return false, errors.New("postgres did not listen within 15s")
}

// initTemplate makes the cached cluster: trust authentication from
// anywhere, which is safe only because a twin's database is reachable
// from nothing but the twin's own namespaces.
func initTemplate(ctx context.Context, bin, tmpl string, uid, gid int, cred *syscall.Credential) error {
	if err := os.MkdirAll(PostgresCache, 0o755); err != nil {
		return fmt.Errorf("postgres cache: %w", err)
	}
	tmp, err := os.MkdirTemp(PostgresCache, ".init-")
	if err != nil {
		return fmt.Errorf("postgres cache: %w", err)
	}
	defer os.RemoveAll(tmp)
	if err := os.Chown(tmp, uid, gid); err != nil {
		return fmt.Errorf("postgres cache: %w", err)
	}
	data := filepath.Join(tmp, "data")
	cmd := exec.CommandContext(ctx, filepath.Join(bin, "initdb"), "-D", data, "-U", "postgres", "-A", "trust", "--no-sync", "-E", "UTF8", "--locale=C")
	cmd.SysProcAttr = &syscall.SysProcAttr{Credential: cred}
	cmd.Dir = tmp
	if out, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("initdb: %w: %s", err, out)
	}
	hba := filepath.Join(data, "pg_hba.conf")
	f, err := os.OpenFile(hba, os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		return fmt.Errorf("pg_hba.conf: %w", err)
	}
	_, err = f.WriteString("host all all 0.0.0.0/0 trust\n")
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("pg_hba.conf: %w", err)
	}
	if err := os.Rename(data, tmpl); err != nil && !errors.Is(err, os.ErrExist) {
		if _, serr := os.Stat(filepath.Join(tmpl, "PG_VERSION")); serr != nil {
			return fmt.Errorf("postgres cache: %w", err)
		}
	}
	return nil
}

// clean makes a host name safe as a file name.
func clean(s string) string {
	b := []byte(s)
	for i, c := range b {
		if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-' || c == '.') {
			b[i] = '-'
		}
	}
	return string(b)
}
