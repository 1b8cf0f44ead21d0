//! The scenario vectors (`tests/vectors/scenarios/`) through `signet-host`:
//! each step's outcome code must be the one the vector expects.

use std::path::{Path, PathBuf};

use serde_json::Value;
use signet_core::budget::{Actor, Role};
use signet_core::time::UnixTime;
use signet_host::{
    Clock, Decision, InitOptions, OpenOptions, Output, PolicySpec, RequestSpec, SignOptions, State,
};

fn dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("vectors/scenarios")
}

struct Run {
    state_dir: PathBuf,
    work: PathBuf,
    now: i64,
    signer: String,
    files: usize,
}

impl Run {
    fn open(&self, user: &str) -> Result<State, signet_host::Error> {
        State::open(
            &self.state_dir,
            OpenOptions {
                user: Some(user.to_string()),
                clock: Clock::Fixed(UnixTime(self.now)),
                notice: None,
                store: None,
            },
        )
    }

    /// Runs one acting step; `Ok(())` or the error code.
    fn act(&mut self, step: &Value) -> Result<(), String> {
        let user = step["user"].as_str().unwrap_or(&self.signer).to_string();
        let state = self.open(&user).map_err(|e| e.code().to_string())?;
        let fp = state.fingerprint();
        let num = |k: &str| step[k].as_u64();
        let code = |e: signet_host::Error| e.code().to_string();
        let actor = || Actor {
            id: state.user().clone(),
            role: Role::from_name(step["role"].as_str().unwrap_or("standard_user"))
                .expect("a core role name"),
            subaccount: step["subaccount"].as_bool().unwrap_or(false),
            keylocker_lead: step["keylocker_lead"].as_bool().unwrap_or(false),
        };
        let id = || num("id").expect("id");
        match step["action"].as_str().unwrap() {
            "sign" => {
                let files: Vec<PathBuf> = (0..num("count").unwrap_or(1))
                    .map(|_| {
                        self.files += 1;
                        let f = self.work.join(format!("artifact-{}.bin", self.files));
                        std::fs::write(&f, format!("scenario artifact {}", self.files)).unwrap();
                        f
                    })
                    .collect();
                let options = SignOptions {
                    grant: num("grant"),
                    ..SignOptions::default()
                };
                state
                    .sign_files(&files, &Output::Beside, &options)
                    .map(|_| ())
                    .map_err(code)
            }
            "budget_use" => state
                .budget_use(&fp, state.user(), num("count").unwrap())
                .map(|_| ())
                .map_err(code),
            "budget_buy" => state
                .budget_buy(&fp, &actor(), num("signatures").unwrap())
                .map(|_| ())
                .map_err(code),
            "budget_revoke" => state.budget_revoke(&fp).map(|_| ()).map_err(code),
            "budget_assign" => state
                .budget_assign(&fp, &actor(), step["signer"].as_str().unwrap())
                .map(|_| ())
                .map_err(code),
            "grant_policy" => {
                let steps = step["steps"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|s| {
                        let approvers = s["approvers"]
                            .as_array()
                            .unwrap()
                            .iter()
                            .map(|a| a.as_str().unwrap().to_string());
                        (
                            approvers.collect(),
                            u8::try_from(s["threshold"].as_u64().unwrap()).unwrap(),
                        )
                    })
                    .collect();
                let spec = PolicySpec {
                    max_window_secs: num("max_window"),
                    max_signings: num("max_ops").map(|n| u32::try_from(n).unwrap()),
                    max_request_ttl_secs: num("ttl").unwrap(),
                    steps,
                };
                state.grant_policy(&fp, &spec).map(|_| ()).map_err(code)
            }
            "grant_request" => {
                let spec = RequestSpec {
                    valid_from: None,
                    valid_until: num("window").map(|w| UnixTime(self.now + i64::try_from(w).unwrap())),
                    allowed_ops: num("ops").map(|n| u32::try_from(n).unwrap()),
                    justification: None,
                };
                state.grant_request(&fp, &spec).map(|_| ()).map_err(code)
            }
            "grant_approve" => state
                .grant_decide(id(), &Decision::Approve)
                .map(|_| ())
                .map_err(code),
            "grant_cancel" => state
                .grant_decide(id(), &Decision::Cancel)
                .map(|_| ())
                .map_err(code),
            "grant_reject" => {
                let comment = step["comment"].as_str().map(str::to_string);
                state
                    .grant_decide(id(), &Decision::Reject(comment))
                    .map(|_| ())
                    .map_err(code)
            }
            other => panic!("unknown action {other}"),
        }
    }

    fn check(&self, step: &Value, what: &str) {
        let state = self.open(&self.signer).unwrap();
        let actual = match step["action"].as_str().unwrap() {
            "check_budget" => serde_json::to_value(state.budget_show(&state.fingerprint()).unwrap()).unwrap(),
            _ => {
                let report = state.grant_show(step["id"].as_u64().unwrap()).unwrap();
                serde_json::to_value(report.grant.expect("the request issued a grant")).unwrap()
            }
        };
        for key in ["used", "remaining", "state", "status"] {
            if !step[key].is_null() {
                assert_eq!(actual[key], step[key], "{what}: {key} in {actual}");
            }
        }
    }
}

#[test]
fn every_scenario_vector() {
    let index: Value = serde_json::from_slice(&std::fs::read(dir().join("index.json")).unwrap()).unwrap();
    let cases = index["cases"].as_array().unwrap();
    assert!(cases.len() >= 7);
    let mut steps_run = 0;
    for case in cases {
        let name = case.as_str().unwrap();
        let v: Value =
            serde_json::from_slice(&std::fs::read(dir().join(format!("{name}.json"))).unwrap()).unwrap();
        let work = std::env::temp_dir().join(format!("signet-scenario-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&work);
        std::fs::create_dir_all(&work).unwrap();
        let signer = v["init"]["signer"].as_str().unwrap().to_string();
        let mut run = Run {
            state_dir: work.join("state"),
            work: work.clone(),
            now: v["start"].as_i64().unwrap(),
            signer: signer.clone(),
            files: 0,
        };
        let init = InitOptions {
            budget: v["init"]["budget"].as_u64().unwrap(),
            days: u32::try_from(v["init"]["days"].as_u64().unwrap()).unwrap(),
            signer: Some(signer.clone()),
            ..InitOptions::default()
        };
        let options = OpenOptions {
            user: Some(signer.clone()),
            clock: Clock::Fixed(UnixTime(run.now)),
            notice: None,
            store: None,
        };
        State::init(&run.state_dir, options, &init).unwrap();
        for (i, step) in v["steps"].as_array().unwrap().iter().enumerate() {
            let what = format!("{name} step {i} ({step})");
            match step["action"].as_str().unwrap() {
                "advance" => run.now += step["seconds"].as_i64().unwrap(),
                "check_budget" | "check_grant" => run.check(step, &what),
                _ => {
                    let got = run.act(step).err().unwrap_or_else(|| "ok".to_string());
                    assert_eq!(got, step["expect"].as_str().unwrap(), "{what}");
                }
            }
            steps_run += 1;
        }
        std::fs::remove_dir_all(&work).unwrap();
    }
    assert!(steps_run > 60, "{steps_run}");
}
