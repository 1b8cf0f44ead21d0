//! The shared store against a real PostgreSQL server: several hosts (each a
//! process with its own state directory holding copies of one key and
//! certificate, and several threads) share one budget in one database.
//!
//! `scripts/pg-test.sh` starts a throwaway server, exports
//! `SIGNET_TEST_PG_URL` (a `postgresql://` URL, socket directory as host),
//! `PG_BIN` and `PG_DIR` (to stop and restart it), and runs
//! `cargo test -p signet-cli --test postgres -- --ignored`. Without the
//! variable or without `--ignored` (plain `cargo test --workspace`) every
//! scenario is reported as ignored, never as passed.
//!
//! This target has its own `main` (`harness = false`) because the test
//! binary is also the host: a scenario starts copies of itself with
//! `SIGNET_PG_CHILD` set, which sign through `signet-host` from several
//! threads, and kills some of them with SIGKILL.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};

use signet_host::{OpenOptions, Output as SigOut, SignOptions, State};

type Scenario = fn(&Ctx);

const SCENARIOS: [(&str, Scenario); 6] = [
    ("four_hosts_share_one_budget_of_500", four_hosts_share_one_budget),
    ("hosts_killed_at_random_never_overspend", hosts_killed_at_random),
    (
        "database_down_refuses_then_resumes",
        database_down_refuses_then_resumes,
    ),
    (
        "grant_operations_are_shared_across_hosts",
        grant_operations_shared,
    ),
    ("two_hosts_racing_to_approve_issue_one_grant", approval_race),
    (
        "identity_clock_privileges_and_settle",
        identity_clock_privileges_and_settle,
    ),
];

fn main() {
    if std::env::var_os("SIGNET_PG_CHILD").is_some() {
        child();
        return;
    }
    let args: Vec<String> = std::env::args().skip(1).collect();
    let filters: Vec<&String> = args.iter().filter(|a| !a.starts_with('-')).collect();
    let selected: Vec<_> = SCENARIOS
        .iter()
        .filter(|(name, _)| filters.is_empty() || filters.iter().any(|f| name.contains(f.as_str())))
        .collect();
    let url = std::env::var("SIGNET_TEST_PG_URL").ok().filter(|u| !u.is_empty());
    let run = args.iter().any(|a| a == "--ignored" || a == "--include-ignored");
    let Some(url) = url.filter(|_| run) else {
        println!(
            "\nrunning {} tests (PostgreSQL shared store): IGNORED, they need a server: \
             run scripts/pg-test.sh (it sets SIGNET_TEST_PG_URL and passes --ignored)",
            selected.len()
        );
        for (name, _) in &selected {
            println!("test {name} ... ignored");
        }
        println!(
            "\ntest result: ok. 0 passed; 0 failed; {} ignored\n",
            selected.len()
        );
        return;
    };
    println!("\nrunning {} tests (PostgreSQL shared store)", selected.len());
    let root = std::env::temp_dir().join(format!("signet-pg-test-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&root);
    std::fs::create_dir_all(&root).unwrap();
    for (name, scenario) in &selected {
        println!("test {name} ...");
        let started = std::time::Instant::now();
        let ctx = Ctx::new(&url, &root.join(name), name);
        scenario(&ctx);
        println!("test {name} ... ok ({:.1}s)", started.elapsed().as_secs_f64());
    }
    std::fs::remove_dir_all(&root).unwrap();
    println!("\ntest result: ok. {} passed; 0 failed\n", selected.len());
}

/// One scenario's database and directory.
struct Ctx {
    /// Its own database (as the `signet` superuser of the test cluster).
    url: String,
    dir: PathBuf,
}

/// The URL of database `db` (and role `user`) on the server `base` names.
fn url_for(base: &str, user: &str, db: &str) -> String {
    let (prefix, _) = base
        .rsplit_once('/')
        .expect("a postgresql:// URL with a database");
    let (scheme, rest) = prefix.split_once("://").expect("a postgresql:// URL");
    let host = rest.rsplit_once('@').map_or(rest, |(_, h)| h);
    format!("{scheme}://{user}@{host}/{db}")
}

impl Ctx {
    fn new(base: &str, dir: &Path, name: &str) -> Ctx {
        let db: String = name.chars().take(40).collect();
        psql(base, &format!("DROP DATABASE IF EXISTS {db}"));
        psql(base, &format!("CREATE DATABASE {db}"));
        std::fs::create_dir_all(dir).unwrap();
        Ctx {
            url: url_for(base, "signet", &db),
            dir: dir.to_path_buf(),
        }
    }

    fn as_role(&self, role: &str) -> String {
        let db = self.url.rsplit_once('/').unwrap().1;
        url_for(&self.url, role, db)
    }

    /// `n` host state directories with copies of one development key and
    /// certificate, their store the database (block `k`), and a budget of
    /// `allotment` assigned to `signer`. Returns the directories.
    fn hosts(&self, n: usize, k: u32, allotment: u64, signer: &str) -> Vec<PathBuf> {
        let first = self.dir.join("host0");
        let out = signet(
            &self.dir,
            None,
            &["--state", first.to_str().unwrap(), "init", "--budget", "1"],
        );
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        let config = first.join("signet.toml");
        let text = std::fs::read_to_string(&config).unwrap();
        let shared = text.replace(
            "[store]\nkind = \"file\"",
            &format!("[store]\nkind = \"postgresql\"\nblock = {k}"),
        );
        assert_ne!(text, shared, "signet.toml has a [store] table");
        std::fs::write(&config, shared).unwrap();
        let mut dirs = vec![first.clone()];
        for i in 1..n {
            let d = self.dir.join(format!("host{i}"));
            let status = Command::new("cp").arg("-a").arg(&first).arg(&d).status().unwrap();
            assert!(status.success());
            dirs.push(d);
        }
        let cert = first.join("signer/cert.der");
        ok(
            &self.dir,
            &self.url,
            &first,
            &[
                "budget",
                "init",
                "--cert",
                cert.to_str().unwrap(),
                "--signer",
                signer,
                "--allotment",
                &allotment.to_string(),
            ],
        );
        dirs
    }

    fn used(&self, host: &Path) -> u64 {
        ok(&self.dir, &self.url, host, &["budget", "show"])["used"]
            .as_u64()
            .unwrap()
    }
}

fn psql(url: &str, sql: &str) -> String {
    let out = Command::new("psql")
        .args([url, "-v", "ON_ERROR_STOP=1", "-Atqc", sql])
        .output()
        .expect("psql runs");
    assert!(
        out.status.success(),
        "psql {sql}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap().trim().to_string()
}

fn signet(cwd: &Path, store: Option<&str>, args: &[&str]) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_signet"));
    cmd.current_dir(cwd).args(args).env_remove("SIGNET_STORE");
    if let Some(url) = store {
        cmd.env("SIGNET_STORE", url);
    }
    cmd.output().expect("signet runs")
}

fn json(out: &Output) -> serde_json::Value {
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "not JSON ({e}): {} / {}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        )
    })
}

/// Runs `signet --json --state HOST ARGS` on the store `url`; it must succeed.
fn ok(cwd: &Path, url: &str, host: &Path, args: &[&str]) -> serde_json::Value {
    let mut all = vec!["--json", "--state", host.to_str().unwrap()];
    all.extend_from_slice(args);
    let out = signet(cwd, Some(url), &all);
    let v = json(&out);
    assert!(out.status.success() && v["ok"] == true, "signet {args:?}: {v}");
    v
}

/// Runs a command that must fail with `exit`; returns its code.
fn fails(cwd: &Path, url: &str, host: &Path, args: &[&str], exit: i32) -> String {
    let mut all = vec!["--json", "--state", host.to_str().unwrap()];
    all.extend_from_slice(args);
    let out = signet(cwd, Some(url), &all);
    let v = json(&out);
    assert_eq!(out.status.code(), Some(exit), "signet {args:?}: {v}");
    v["error"]["code"].as_str().unwrap().to_string()
}

// ---- the child host ----

/// A host: `SIGNET_PG_CHILD=STATE_DIR`, `SIGNET_STORE`, `THREADS`, `OUT`
/// (signatures go there as `<pid>-<thread>-<n>.p7s` beside their content),
/// optionally `STOP` (a file whose existence ends the run). Each thread signs
/// until the budget or grant is exhausted (or STOP exists), retrying while
/// the store is unavailable. Prints one JSON line: signed count and codes seen.
fn child() {
    let dir = PathBuf::from(std::env::var("SIGNET_PG_CHILD").unwrap());
    let threads: usize = std::env::var("THREADS").unwrap().parse().unwrap();
    let out = PathBuf::from(std::env::var("OUT").unwrap());
    let stop = std::env::var("STOP").ok().map(PathBuf::from);
    let options = OpenOptions {
        store: std::env::var("SIGNET_STORE").ok(),
        ..OpenOptions::default()
    };
    // Opening may itself meet a stopped server: retry like the signing does.
    let state = loop {
        match State::open(&dir, options.clone()) {
            Ok(s) => break s,
            Err(e) if e.code() == "store_unavailable" => {
                std::thread::sleep(std::time::Duration::from_millis(50))
            }
            Err(e) => panic!("open: {} {}", e.code(), e.message()),
        }
    };
    let signed = AtomicU64::new(0);
    let done = AtomicBool::new(false);
    let codes = std::sync::Mutex::new(BTreeMap::<String, u64>::new());
    let pid = std::process::id();
    std::thread::scope(|s| {
        for t in 0..threads {
            let (state, signed, done, codes, out, stop) = (&state, &signed, &done, &codes, &out, &stop);
            s.spawn(move || {
                let mut n = 0u64;
                while !done.load(Ordering::Relaxed) {
                    if stop.as_ref().is_some_and(|p| p.exists()) {
                        break;
                    }
                    let content = out.join(format!("{pid}-{t}-{n}.bin"));
                    std::fs::write(&content, format!("artifact {pid} {t} {n}\n")).unwrap();
                    let sig = out.join(format!("{pid}-{t}-{n}.p7s"));
                    match state.sign_file(&content, &SigOut::File(sig), &SignOptions::default()) {
                        Ok(_) => {
                            signed.fetch_add(1, Ordering::Relaxed);
                            n += 1;
                        }
                        Err(e) => {
                            *codes.lock().unwrap().entry(e.code().to_string()).or_default() += 1;
                            if e.code().contains("exhausted") {
                                done.store(true, Ordering::Relaxed);
                            } else if e.code() == "store_unavailable" {
                                // The only code a database outage may give,
                                // mid-signature too (not sign_counter).
                                std::thread::sleep(std::time::Duration::from_millis(20));
                            } else {
                                panic!("sign: {} {}", e.code(), e.message());
                            }
                        }
                    }
                }
            });
        }
    });
    drop(state);
    let codes = codes.into_inner().unwrap();
    println!(
        "{}",
        serde_json::json!({ "signed": signed.load(Ordering::Relaxed), "codes": codes })
    );
}

fn spawn_host(ctx: &Ctx, url: &str, host: &Path, threads: usize, out: &Path, stop: Option<&Path>) -> Child {
    std::fs::create_dir_all(out).unwrap();
    let mut cmd = Command::new(std::env::current_exe().unwrap());
    cmd.current_dir(&ctx.dir)
        .env("SIGNET_PG_CHILD", host)
        .env("SIGNET_STORE", url)
        .env("THREADS", threads.to_string())
        .env("OUT", out)
        .stdout(Stdio::piped());
    if let Some(stop) = stop {
        cmd.env("STOP", stop);
    }
    cmd.spawn().expect("the host starts")
}

fn finish_host(child: Child) -> serde_json::Value {
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success(), "a host failed: {:?}", out.status);
    serde_json::from_slice(&out.stdout).unwrap()
}

/// The signatures in `dir` (complete files only: they are renamed into place).
fn signatures(dir: &Path) -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = std::fs::read_dir(dir)
        .map(|d| d.map(|e| e.unwrap().path()).collect())
        .unwrap_or_default();
    v.retain(|p| p.extension().is_some_and(|e| e == "p7s"));
    v.sort();
    v
}

fn openssl_verifies(p7s: &Path) -> bool {
    let content = p7s.with_extension("bin");
    Command::new("openssl")
        .args([
            "cms",
            "-verify",
            "-binary",
            "-inform",
            "DER",
            "-noverify",
            "-out",
            "/dev/null",
            "-in",
        ])
        .arg(p7s)
        .arg("-content")
        .arg(&content)
        .stderr(Stdio::null())
        .status()
        .unwrap()
        .success()
}

fn reservations(ctx: &Ctx, host: &Path) -> Vec<serde_json::Value> {
    ok(&ctx.dir, &ctx.url, host, &["budget", "reservations"])["reservations"]
        .as_array()
        .unwrap()
        .clone()
}

/// A small deterministic generator for "random" moments (seeded per run).
struct Lcg(u64);
impl Lcg {
    fn next(&mut self, below: u64) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        (self.0 >> 33) % below
    }
}

// ---- scenarios ----

/// (1) Four hosts, three threads each, one budget of 500: exactly 500
/// signatures, every one verified by OpenSSL, then every host is refused.
fn four_hosts_share_one_budget(ctx: &Ctx) {
    let hosts = ctx.hosts(4, 1, 500, "signet");
    let out = ctx.dir.join("out");
    let children: Vec<Child> = hosts
        .iter()
        .map(|h| spawn_host(ctx, &ctx.url, h, 3, &out, None))
        .collect();
    let reports: Vec<_> = children.into_iter().map(finish_host).collect();
    let signed: u64 = reports.iter().map(|r| r["signed"].as_u64().unwrap()).sum();
    let sigs = signatures(&out);
    assert_eq!(signed, 500, "{reports:?}");
    assert_eq!(sigs.len(), 500);
    // Every host signed some: the budget really was shared.
    assert!(
        reports.iter().all(|r| r["signed"].as_u64().unwrap() > 0),
        "{reports:?}"
    );
    let bad: Vec<_> = sigs.iter().filter(|p| !openssl_verifies(p)).collect();
    assert!(bad.is_empty(), "OpenSSL rejects {bad:?}");
    assert_eq!(ctx.used(&hosts[0]), 500);
    let extra = ctx.dir.join("extra.txt");
    std::fs::write(&extra, "one more\n").unwrap();
    for h in &hosts {
        let code = fails(&ctx.dir, &ctx.url, h, &["sign", extra.to_str().unwrap()], 1);
        assert!(code.contains("exhausted"), "{code}");
    }
    assert!(reservations(ctx, &hosts[0]).is_empty());
    // The chain is linear and the ledger agrees with it (500 signatures).
    let v = ok(&ctx.dir, &ctx.url, &hosts[2], &["audit", "verify"]);
    assert_eq!(v["ok"], true, "{v}");
    let lines = psql(
        &ctx.url,
        "SELECT count(*) FROM signet_audit WHERE line LIKE '%\"outcome\":\"ok\"%' AND line LIKE '%\"action\":\"sign\"%'",
    );
    assert_eq!(lines, "500");
}

/// (2) Hosts with blocks of 8 killed with SIGKILL at random moments: the
/// recorded use is never below the signatures produced, and what each crash
/// leaves reserved and unsettled is at most one block.
fn hosts_killed_at_random(ctx: &Ctx) {
    const K: u64 = 8;
    let hosts = ctx.hosts(4, 8, 400, "signet");
    let out = ctx.dir.join("out");
    let mut rng = Lcg(u64::from(std::process::id()));
    let mut running: Vec<(usize, Child)> = hosts
        .iter()
        .enumerate()
        .map(|(i, h)| (i, spawn_host(ctx, &ctx.url, h, 2, &out, None)))
        .collect();
    let mut kills = 0u64;
    let mut reports = Vec::new();
    for _ in 0..6 {
        std::thread::sleep(std::time::Duration::from_millis(50 + rng.next(250)));
        let victim = usize::try_from(rng.next(running.len() as u64)).unwrap();
        let (i, mut child) = running.swap_remove(victim);
        if child.try_wait().unwrap().is_none() {
            child.kill().unwrap(); // SIGKILL
            kills += 1;
        }
        let _ = child.wait();
        // Recorded use is never below what was produced, at any moment.
        let produced = signatures(&out).len() as u64;
        let used = ctx.used(&hosts[0]);
        assert!(used >= produced, "used {used} < produced {produced}");
        running.push((i, spawn_host(ctx, &ctx.url, &hosts[i], 2, &out, None)));
    }
    for (_, child) in running {
        reports.push(finish_host(child));
    }
    assert!(kills > 0, "no host was still running to be killed");
    let produced = signatures(&out).len() as u64;
    let used = ctx.used(&hosts[0]);
    let left = reservations(ctx, &hosts[0]);
    let held: u64 = left.iter().map(|r| r["held"].as_u64().unwrap()).sum();
    assert_eq!(used, 400, "the survivors used the budget up");
    assert!(used >= produced, "used {used} < produced {produced}");
    assert!(left.len() as u64 <= kills, "{left:?}");
    for r in &left {
        assert!(
            r["held"].as_u64().unwrap() <= K,
            "a crash left more than one block: {r}"
        );
    }
    assert!(
        used - produced <= held,
        "used {used}, produced {produced}, held by crashed hosts {held}"
    );
    // A sample of the signatures, verified by OpenSSL (all of them are counted above).
    let sigs = signatures(&out);
    let step = (sigs.len() / 25).max(1);
    let sample: Vec<_> = sigs.iter().step_by(step).collect();
    assert!(sample.len() >= 20);
    assert!(sample.iter().all(|p| openssl_verifies(p)));
    println!(
        "  {kills} kills, {produced} signatures, {used} used, {} left reserved ({held})",
        left.len()
    );
}

fn pg_ctl(action: &str) {
    let bin = std::env::var("PG_BIN").expect("PG_BIN (scripts/pg-test.sh sets it)");
    let dir = std::env::var("PG_DIR").expect("PG_DIR (scripts/pg-test.sh sets it)");
    let mut args = vec![
        "-u".to_string(),
        "postgres".into(),
        "--".into(),
        format!("{bin}/pg_ctl"),
        "-D".into(),
        format!("{dir}/data"),
        "-w".into(),
        "-l".into(),
        format!("{dir}/log"),
    ];
    if action == "start" {
        args.extend([
            "-o".into(),
            format!("-k {dir} -c listen_addresses='' -c max_connections=200"),
        ]);
    } else {
        args.extend(["-m".into(), "fast".into()]);
    }
    args.push(action.into());
    let status = Command::new("runuser")
        .args(&args)
        .stdout(Stdio::null())
        .status()
        .unwrap();
    assert!(status.success(), "pg_ctl {action}");
}

/// (3) The server stopped while a host signs: every signature is refused
/// with `store_unavailable` while it is down, signing resumes after the
/// restart, and nothing is over-spent.
fn database_down_refuses_then_resumes(ctx: &Ctx) {
    let hosts = ctx.hosts(2, 1, 300, "signet");
    let out = ctx.dir.join("out");
    let stop = ctx.dir.join("stop");
    let child = spawn_host(ctx, &ctx.url, &hosts[0], 2, &out, Some(&stop));
    while signatures(&out).len() < 10 {
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    pg_ctl("stop");
    let at_stop = signatures(&out).len();
    let file = ctx.dir.join("b.txt");
    std::fs::write(&file, "from host 1\n").unwrap();
    for _ in 0..3 {
        let code = fails(
            &ctx.dir,
            &ctx.url,
            &hosts[1],
            &["sign", file.to_str().unwrap()],
            2,
        );
        assert_eq!(code, "store_unavailable");
    }
    assert!(!ctx.dir.join("b.txt.p7s").exists());
    // Nothing is released while the server is down.
    assert_eq!(signatures(&out).len(), at_stop);
    pg_ctl("start");
    ok(&ctx.dir, &ctx.url, &hosts[1], &["sign", file.to_str().unwrap()]);
    assert!(
        Command::new("openssl")
            .args([
                "cms",
                "-verify",
                "-binary",
                "-inform",
                "DER",
                "-noverify",
                "-out",
                "/dev/null",
                "-in"
            ])
            .arg(ctx.dir.join("b.txt.p7s"))
            .arg("-content")
            .arg(&file)
            .status()
            .unwrap()
            .success()
    );
    while signatures(&out).len() < at_stop + 10 {
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    std::fs::write(&stop, "").unwrap();
    let report = finish_host(child);
    let produced = signatures(&out).len() as u64 + 1;
    let used = ctx.used(&hosts[0]);
    assert!(
        used >= produced && used <= 300,
        "used {used}, produced {produced}"
    );
    // What was in flight when the server stopped stays counted (fail
    // closed): at most one signature per thread; a reservation row holds
    // those that failed before their commit.
    let held: u64 = reservations(ctx, &hosts[0])
        .iter()
        .map(|r| r["held"].as_u64().unwrap())
        .sum();
    assert!(used - produced <= 2, "{report}");
    assert!(held <= used - produced, "{report}");
    println!("  {report}");
}

/// Roles for the grant scenarios: alice signs, bob and carol approve; all
/// are signers only (no budget or policy changes).
fn roles(ctx: &Ctx) {
    for role in ["alice", "bob", "carol"] {
        psql(
            &ctx.url,
            &format!(
                "DO $$ BEGIN IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '{role}') THEN
                 CREATE ROLE {role} LOGIN; END IF; END $$; GRANT signet_signer TO {role}"
            ),
        );
    }
}

/// (4) A grant's operation count is shared: four hosts signing as alice
/// under one grant of 30 operations make exactly 30 signatures.
fn grant_operations_shared(ctx: &Ctx) {
    let hosts = ctx.hosts(4, 1, 500, "signet");
    roles(ctx);
    ok(
        &ctx.dir,
        &ctx.url,
        &hosts[0],
        &[
            "grant",
            "policy",
            "--ttl",
            "3600",
            "--max-ops",
            "100",
            "--step",
            "bob:1",
        ],
    );
    let alice = ctx.as_role("alice");
    let id = ok(&ctx.dir, &alice, &hosts[1], &["grant", "request", "--ops", "30"])["id"]
        .as_u64()
        .unwrap()
        .to_string();
    ok(
        &ctx.dir,
        &ctx.as_role("bob"),
        &hosts[2],
        &["grant", "approve", &id],
    );
    let out = ctx.dir.join("out");
    let children: Vec<Child> = hosts
        .iter()
        .map(|h| spawn_host(ctx, &alice, h, 2, &out, None))
        .collect();
    let signed: u64 = children
        .into_iter()
        .map(finish_host)
        .map(|r| r["signed"].as_u64().unwrap())
        .sum();
    assert_eq!(signed, 30);
    assert_eq!(signatures(&out).len(), 30);
    let grant = ok(&ctx.dir, &alice, &hosts[3], &["grant", "show", &id]);
    assert_eq!(grant["grant"]["used"], 30, "{grant}");
    assert_eq!(ctx.used(&hosts[0]), 30);
    let sigs = signatures(&out);
    assert!(sigs.iter().all(|p| openssl_verifies(p)));
}

/// (5) Two hosts race to approve the same request (bob on one, carol on the
/// other; either approval completes it): exactly one grant, every time.
fn approval_race(ctx: &Ctx) {
    let hosts = ctx.hosts(2, 1, 500, "signet");
    roles(ctx);
    ok(
        &ctx.dir,
        &ctx.url,
        &hosts[0],
        &[
            "grant",
            "policy",
            "--ttl",
            "3600",
            "--max-ops",
            "5",
            "--step",
            "bob,carol:1",
        ],
    );
    let alice = ctx.as_role("alice");
    for round in 0..5 {
        let id = ok(&ctx.dir, &alice, &hosts[0], &["grant", "request"])["id"]
            .as_u64()
            .unwrap()
            .to_string();
        let racers: Vec<Child> = [("bob", &hosts[0]), ("carol", &hosts[1])]
            .iter()
            .map(|(role, host)| {
                Command::new(env!("CARGO_BIN_EXE_signet"))
                    .current_dir(&ctx.dir)
                    .env("SIGNET_STORE", ctx.as_role(role))
                    .args([
                        "--json",
                        "--state",
                        host.to_str().unwrap(),
                        "grant",
                        "approve",
                        &id,
                    ])
                    .stdout(Stdio::piped())
                    .stderr(Stdio::piped())
                    .spawn()
                    .unwrap()
            })
            .collect();
        let results: Vec<Output> = racers
            .into_iter()
            .map(|c| c.wait_with_output().unwrap())
            .collect();
        let wins = results.iter().filter(|o| o.status.success()).count();
        assert_eq!(
            wins,
            1,
            "round {round}: {:?}",
            results.iter().map(json).collect::<Vec<_>>()
        );
        let loser = results.iter().find(|o| !o.status.success()).unwrap();
        assert_eq!(loser.status.code(), Some(1), "{}", json(loser));
        let grants = psql(
            &ctx.url,
            &format!("SELECT count(*) FROM signet_grant WHERE id = {id}"),
        );
        assert_eq!(grants, "1");
        let issued = psql(
            &ctx.url,
            &format!(
                "SELECT count(*) FROM signet_audit WHERE line LIKE '%\"action\":\"grant_issue\"%' AND line LIKE '%\"grant\":{id},%'"
            ),
        );
        assert_eq!(issued, "1");
    }
}

/// The acting user is the database role, the clock is the system's, a
/// signer role cannot change budgets, and an operator settles what a crashed
/// host left (as used by default, audited).
fn identity_clock_privileges_and_settle(ctx: &Ctx) {
    let hosts = ctx.hosts(1, 4, 1000, "alice");
    roles(ctx);
    let h = &hosts[0];
    let alice = ctx.as_role("alice");
    let file = ctx.dir.join("a.txt");
    std::fs::write(&file, "a\n").unwrap();
    let f = file.to_str().unwrap();
    assert_eq!(
        fails(&ctx.dir, &alice, h, &["--user", "bob", "sign", f], 1),
        "store_user_not_role"
    );
    assert_eq!(
        fails(&ctx.dir, &alice, h, &["--now", "0", "sign", f], 1),
        "store_clock_fixed"
    );
    ok(&ctx.dir, &alice, h, &["--user", "alice", "sign", f]);
    // signet (the budget's owner in this database) is not the assigned signer.
    assert_eq!(
        fails(&ctx.dir, &ctx.url, h, &["sign", f], 1),
        "sign_not_assigned_signer"
    );
    assert_eq!(
        fails(
            &ctx.dir,
            &alice,
            h,
            &["budget", "buy", "--signatures", "1000", "--role", "administrator"],
            1
        ),
        "store_permission_denied"
    );
    // A host that dies holding a block of 4: its reservation stays counted.
    let out = ctx.dir.join("out");
    let mut child = spawn_host(ctx, &alice, h, 1, &out, Some(&ctx.dir.join("never")));
    while signatures(&out).len() < 2 {
        std::thread::sleep(std::time::Duration::from_millis(10));
    }
    child.kill().unwrap();
    child.wait().unwrap();
    let left = reservations(ctx, h);
    assert_eq!(left.len(), 1, "{left:?}");
    let r = &left[0];
    assert_eq!(r["pid"].as_u64().unwrap(), u64::from(child.id()));
    assert!(r["host"].as_str().is_some_and(|s| !s.is_empty()) && r["started_at"].as_i64().unwrap() > 0);
    let held = r["held"].as_u64().unwrap();
    assert!((1..=4).contains(&held), "{r}");
    let before = ctx.used(h);
    let id = r["id"].as_u64().unwrap().to_string();
    // The signer role may not settle; the operator (signet) settles as used.
    assert_eq!(
        fails(&ctx.dir, &alice, h, &["budget", "settle", &id], 1),
        "store_permission_denied"
    );
    let settled = ok(
        &ctx.dir,
        &ctx.url,
        h,
        &["--user", "signet", "budget", "settle", &id],
    );
    assert_eq!(settled["as"], "used", "{settled}");
    assert_eq!(ctx.used(h), before);
    assert!(reservations(ctx, h).is_empty());
    assert_eq!(
        fails(&ctx.dir, &ctx.url, h, &["budget", "settle", &id], 1),
        "store_reservation_unknown"
    );
    let audited = psql(
        &ctx.url,
        "SELECT count(*) FROM signet_audit WHERE line LIKE '%\"action\":\"budget_settle\"%'
         AND line LIKE '%settled as used%' AND line LIKE '%\"outcome\":\"ok\"%'",
    );
    assert_eq!(audited, "1");
    // Settled as returned: the signatures go back.
    let mut child = spawn_host(ctx, &alice, h, 1, &out, Some(&ctx.dir.join("never")));
    let seen = signatures(&out).len();
    while signatures(&out).len() < seen + 1 {
        std::thread::sleep(std::time::Duration::from_millis(10));
    }
    child.kill().unwrap();
    child.wait().unwrap();
    let r = reservations(ctx, h).pop().expect("the killed host's reservation");
    let before = ctx.used(h);
    let id = r["id"].as_u64().unwrap().to_string();
    ok(&ctx.dir, &ctx.url, h, &["budget", "settle", &id, "--returned"]);
    assert_eq!(ctx.used(h), before - r["held"].as_u64().unwrap());
    // The password never shows: a wrong one is refused without echoing it.
    let with_pw = ctx.url.replacen("signet@", "signet:hunter2-secret@", 1);
    let with_pw = format!("{}/no_such_db", with_pw.rsplit_once('/').unwrap().0);
    let o = signet(
        &ctx.dir,
        Some(&with_pw),
        &["--json", "--state", h.to_str().unwrap(), "status"],
    );
    assert!(!o.status.success());
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    );
    assert!(!text.contains("hunter2"), "{text}");
    assert!(text.contains("store_unavailable"), "{text}");
}
