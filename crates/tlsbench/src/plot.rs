//! `tlsbench report DIR`: reads the result JSON files in a directory and writes
//! `summary.md` (Markdown tables) and SVG plots (plotters): handshakes/s per run,
//! handshakes/s across thread counts, and the handshake latency distribution.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use plotters::prelude::*;

use crate::engine::Workload;
use crate::report::{AeadRow, FailedRun, LoadResult, RunReport, ScaleStep};

const SIZE: (u32, u32) = (960, 540);

/// Everything read from a results directory.
#[derive(Debug, Default)]
pub struct Collected {
    /// Source file of each report, with the report.
    pub reports: Vec<(PathBuf, RunReport)>,
}

impl Collected {
    fn loads(&self) -> impl Iterator<Item = &LoadResult> {
        self.reports
            .iter()
            .filter(|(_, r)| r.kind == "load")
            .flat_map(|(_, r)| &r.results)
    }
    fn steps(&self) -> impl Iterator<Item = &ScaleStep> {
        self.reports.iter().flat_map(|(_, r)| &r.scale)
    }
    fn aead(&self) -> impl Iterator<Item = &AeadRow> {
        self.reports.iter().flat_map(|(_, r)| &r.aead)
    }
    fn failed(&self) -> impl Iterator<Item = (&Path, &FailedRun)> {
        self.reports
            .iter()
            .flat_map(|(p, r)| r.failed_runs.iter().map(move |f| (p.as_path(), f)))
    }
}

/// Reads every `*.json` report in `dir` (sorted by name). Files that are not tlsbench
/// reports are skipped with a note on stderr.
pub fn collect(dir: &Path) -> Result<Collected, String> {
    let mut paths: Vec<PathBuf> = std::fs::read_dir(dir)
        .map_err(|e| format!("{}: {e}", dir.display()))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .collect();
    paths.sort();
    let mut collected = Collected::default();
    for path in paths {
        let text =
            std::fs::read_to_string(&path).map_err(|e| format!("{}: {e}", path.display()))?;
        match serde_json::from_str::<RunReport>(&text) {
            Ok(report) => collected.reports.push((path, report)),
            Err(e) => eprintln!("tlsbench report: skipping {}: {e}", path.display()),
        }
    }
    Ok(collected)
}

fn name_of(r: &LoadResult) -> String {
    match &r.label {
        Some(label) => format!("{label} {}", r.backend),
        None => r.backend.clone(),
    }
}

fn ms(us: u64) -> f64 {
    us as f64 / 1000.0
}

fn opt(v: Option<f64>) -> String {
    v.map_or_else(|| "-".into(), |v| format!("{v:.0}"))
}

/// The Markdown summary.
pub fn summary_markdown(c: &Collected) -> String {
    let mut md = String::from("# tlsbench results\n\n");
    if let Some((_, first)) = c.reports.first() {
        let m = &first.machine;
        let _ = writeln!(md, "- Machine: {} ({} CPUs), {}", m.cpu_model, m.cpus, m.os);
        let _ = writeln!(
            md,
            "- Tool: {}; first run started {}",
            first.tool, first.started_at
        );
        let _ = writeln!(md, "- Files: {}\n", c.reports.len());
    }
    let loads: Vec<&LoadResult> = c.loads().collect();
    if !loads.is_empty() {
        md.push_str("## Loads\n\n| configuration | backend | negotiated | target | conns ok/failed | handshakes/s | hs per client CPU-s | hs per server CPU-s | handshake p50 / p99 / p99.9 ms | app MB/s | KiB per open conn |\n|---|---|---|---|---|---:|---:|---:|---:|---:|---:|\n");
        for r in &loads {
            let _ = writeln!(
                md,
                "| {} | {} | {} | {} | {}/{} | {:.0} | {} | {} | {:.2} / {:.2} / {:.2} | {:.1} | {} |",
                r.label.as_deref().unwrap_or("-"),
                r.backend,
                r.negotiated.as_deref().unwrap_or("-"),
                r.target,
                r.succeeded,
                r.failed,
                r.handshakes_per_s,
                opt(r.client.handshakes_per_cpu_s),
                opt(r.server.as_ref().and_then(|s| s.handshakes_per_cpu_s)),
                ms(r.handshake_latency.p50_us),
                ms(r.handshake_latency.p99_us),
                ms(r.handshake_latency.p999_us),
                r.app_bytes_per_s / 1e6,
                r.memory.bytes_per_open_connection.map_or_else(|| "-".into(), |b| format!("{:.1}", b / 1024.0)),
            );
        }
        md.push('\n');
    }
    let steps: Vec<&ScaleStep> = c.steps().collect();
    if !steps.is_empty() {
        md.push_str("## Scaling\n\n| backend | threads | client / server threads | handshakes/s | speed-up | efficiency | hs per server CPU-s |\n|---|---:|---:|---:|---:|---:|---:|\n");
        for s in &steps {
            let _ = writeln!(
                md,
                "| {} | {} | {} / {} | {:.0} | {:.2}x | {:.0}% | {} |",
                s.backend,
                s.threads,
                s.client_threads,
                s.server_threads
                    .map_or_else(|| "-".into(), |t| t.to_string()),
                s.handshakes_per_s,
                s.speedup,
                s.efficiency * 100.0,
                opt(s.server_handshakes_per_cpu_s),
            );
        }
        md.push('\n');
    }
    let aead: Vec<&AeadRow> = c.aead().collect();
    if !aead.is_empty() {
        md.push_str("## AEAD ceiling (seal)\n\n| backend | AEAD | record bytes | 1 core MB/s | all threads MB/s | threads |\n|---|---|---:|---:|---:|---:|\n");
        for a in &aead {
            let mb = |v: Option<f64>| {
                v.map_or_else(|| "unsupported".into(), |v| format!("{:.0}", v / 1e6))
            };
            let _ = writeln!(
                md,
                "| {} | {} | {} | {} | {} | {} |",
                a.backend,
                a.aead,
                a.size,
                mb(a.single_core_bytes_per_s),
                mb(a.multi_core_bytes_per_s),
                a.threads
            );
        }
        md.push('\n');
    }
    let failed: Vec<_> = c.failed().collect();
    if !failed.is_empty() {
        md.push_str("## Runs that could not start\n\n");
        for (path, f) in failed {
            let file = path
                .file_name()
                .map_or_else(String::new, |n| n.to_string_lossy().into_owned());
            let _ = writeln!(md, "- `{file}` {}: {}", f.backend, f.error);
        }
        md.push('\n');
    }
    md.push_str("## Plots\n\n");
    for (file, what) in PLOTS {
        let _ = writeln!(md, "- [{what}]({file})");
    }
    md
}

const PLOTS: [(&str, &str); 3] = [
    (
        "handshakes.svg",
        "handshakes/s per configuration and backend",
    ),
    ("scaling.svg", "handshakes/s across thread counts"),
    ("latency.svg", "handshake latency distribution"),
];

type PlotResult = Result<(), Box<dyn std::error::Error>>;

fn plot_handshakes(path: &Path, loads: &[&LoadResult]) -> PlotResult {
    let root = SVGBackend::new(path, SIZE).into_drawing_area();
    root.fill(&WHITE)?;
    let n = loads.len().max(1);
    let top = loads
        .iter()
        .map(|r| r.handshakes_per_s)
        .fold(0.0, f64::max)
        .max(1.0)
        * 1.1;
    let names: Vec<String> = loads.iter().map(|r| name_of(r)).collect();
    let mut chart = ChartBuilder::on(&root)
        .caption("Handshakes per second", ("sans-serif", 22))
        .margin(12)
        .x_label_area_size(70)
        .y_label_area_size(70)
        .build_cartesian_2d((0..n).into_segmented(), 0.0..top)?;
    chart
        .configure_mesh()
        .disable_x_mesh()
        .x_labels(n)
        .x_label_formatter(&|v| match v {
            SegmentValue::CenterOf(i) | SegmentValue::Exact(i) => {
                names.get(*i).cloned().unwrap_or_default()
            }
            SegmentValue::Last => String::new(),
        })
        .y_desc("handshakes/s")
        .draw()?;
    chart.draw_series(
        Histogram::vertical(&chart)
            .style(BLUE.mix(0.7).filled())
            .margin(8)
            .data(
                loads
                    .iter()
                    .enumerate()
                    .map(|(i, r)| (i, r.handshakes_per_s)),
            ),
    )?;
    root.present()?;
    Ok(())
}

fn plot_scaling(path: &Path, steps: &[&ScaleStep]) -> PlotResult {
    let root = SVGBackend::new(path, SIZE).into_drawing_area();
    root.fill(&WHITE)?;
    let max_threads = steps.iter().map(|s| s.threads).max().unwrap_or(1).max(2);
    let top = steps
        .iter()
        .map(|s| s.handshakes_per_s)
        .fold(0.0, f64::max)
        .max(1.0)
        * 1.1;
    let mut chart = ChartBuilder::on(&root)
        .caption("Scaling across threads", ("sans-serif", 22))
        .margin(12)
        .x_label_area_size(50)
        .y_label_area_size(70)
        .build_cartesian_2d(1usize..max_threads, 0.0..top)?;
    chart
        .configure_mesh()
        .x_desc("threads")
        .y_desc("handshakes/s")
        .draw()?;
    let mut backends: Vec<&str> = steps.iter().map(|s| s.backend.as_str()).collect();
    backends.dedup();
    for (i, backend) in backends.iter().enumerate() {
        let color = Palette99::pick(i).to_rgba();
        let points: Vec<(usize, f64)> = steps
            .iter()
            .filter(|s| s.backend == *backend)
            .map(|s| (s.threads, s.handshakes_per_s))
            .collect();
        chart
            .draw_series(LineSeries::new(points.clone(), color.stroke_width(2)))?
            .label(*backend)
            .legend(move |(x, y)| {
                PathElement::new(vec![(x, y), (x + 20, y)], color.stroke_width(2))
            });
        chart.draw_series(
            points
                .into_iter()
                .map(|p| Circle::new(p, 4, color.filled())),
        )?;
    }
    chart
        .configure_series_labels()
        .background_style(WHITE.mix(0.8))
        .border_style(BLACK)
        .draw()?;
    root.present()?;
    Ok(())
}

/// Percentile p (0..100) as "nines": 90 -> 1, 99 -> 2, 99.9 -> 3 (capped at 5).
fn nines(p: f64) -> f64 {
    (-(1.0 - p / 100.0).max(1e-5).log10()).clamp(0.0, 5.0)
}

/// The percentile at `nines` on the latency plot's axis, e.g. 3.0 -> "99.9".
fn percentile_label(nines: f64) -> String {
    let p = format!("{:.4}", 100.0 - 100.0 * 10f64.powf(-nines));
    p.trim_end_matches('0').trim_end_matches('.').to_string()
}

fn plot_latency(path: &Path, loads: &[&LoadResult]) -> PlotResult {
    let root = SVGBackend::new(path, SIZE).into_drawing_area();
    root.fill(&WHITE)?;
    let curves: Vec<(String, Vec<(f64, f64)>)> = loads
        .iter()
        .map(|r| {
            let pts = r
                .handshake_latency
                .curve
                .iter()
                .filter(|[p, _]| *p < 100.0)
                .map(|[p, us]| (nines(*p), us / 1000.0))
                .collect();
            (name_of(r), pts)
        })
        .collect();
    let top = curves
        .iter()
        .flat_map(|(_, c)| c.iter().map(|(_, y)| *y))
        .fold(0.0, f64::max)
        .max(0.001)
        * 1.1;
    let right = curves
        .iter()
        .flat_map(|(_, c)| c.iter().map(|(x, _)| *x))
        .fold(0.0, f64::max)
        .ceil()
        .max(1.0);
    let mut chart = ChartBuilder::on(&root)
        .caption("Handshake latency distribution", ("sans-serif", 22))
        .margin(12)
        .x_label_area_size(50)
        .y_label_area_size(70)
        .build_cartesian_2d(0.0..right, 0.0..top)?;
    chart
        .configure_mesh()
        .x_desc("percentile")
        .y_desc("connect to handshake done, ms")
        .x_labels(right as usize + 1)
        .x_label_formatter(&|x| percentile_label(*x))
        .draw()?;
    for (i, (name, pts)) in curves.into_iter().enumerate() {
        let color = Palette99::pick(i).to_rgba();
        chart
            .draw_series(LineSeries::new(pts, color.stroke_width(2)))?
            .label(name)
            .legend(move |(x, y)| {
                PathElement::new(vec![(x, y), (x + 20, y)], color.stroke_width(2))
            });
    }
    chart
        .configure_series_labels()
        .background_style(WHITE.mix(0.8))
        .border_style(BLACK)
        .draw()?;
    root.present()?;
    Ok(())
}

/// Writes summary.md and the plots into `dir`; returns the files written.
pub fn write_report(dir: &Path) -> Result<Vec<PathBuf>, String> {
    let c = collect(dir)?;
    let mut written = Vec::new();
    let summary = dir.join("summary.md");
    std::fs::write(&summary, summary_markdown(&c))
        .map_err(|e| format!("{}: {e}", summary.display()))?;
    written.push(summary);
    // Bulk (echo) runs measure throughput, not handshakes: they are in the table only.
    let loads: Vec<&LoadResult> = c
        .loads()
        .filter(|r| r.handshakes > 0 && !matches!(r.workload, Some(Workload::Echo { .. })))
        .collect();
    let steps: Vec<&ScaleStep> = c.steps().collect();
    let plot_err = |file: &'static str| move |e: Box<dyn std::error::Error>| format!("{file}: {e}");
    if !loads.is_empty() {
        let p = dir.join("handshakes.svg");
        plot_handshakes(&p, &loads).map_err(plot_err("handshakes.svg"))?;
        written.push(p);
        let p = dir.join("latency.svg");
        plot_latency(&p, &loads).map_err(plot_err("latency.svg"))?;
        written.push(p);
    }
    if !steps.is_empty() {
        let p = dir.join("scaling.svg");
        plot_scaling(&p, &steps).map_err(plot_err("scaling.svg"))?;
        written.push(p);
    }
    Ok(written)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::stats::LatencySummary;

    fn load(backend: &str, hs: f64) -> LoadResult {
        LoadResult {
            backend: backend.into(),
            label: Some("tls13-ecdsa".into()),
            handshakes: 100,
            handshakes_per_s: hs,
            handshake_latency: LatencySummary {
                curve: vec![
                    [50.0, 500.0],
                    [99.0, 900.0],
                    [99.9, 2000.0],
                    [100.0, 3000.0],
                ],
                ..LatencySummary::default()
            },
            ..LoadResult::default()
        }
    }

    #[test]
    fn nines_map_percentiles_to_a_log_axis() {
        assert!((nines(90.0) - 1.0).abs() < 1e-9);
        assert!((nines(99.9) - 3.0).abs() < 1e-9);
        assert_eq!(nines(100.0), 5.0);
        assert_eq!(nines(0.0), 0.0);
        assert_eq!(percentile_label(0.0), "0");
        assert_eq!(percentile_label(2.0), "99");
        assert_eq!(percentile_label(3.0), "99.9");
    }

    #[test]
    fn report_writes_markdown_and_three_svgs() {
        let dir = tempfile::tempdir().unwrap();
        let mut load_report = RunReport::new("load", serde_json::json!({}));
        load_report.results = vec![load("ring", 5000.0), load("openssl", 3000.0)];
        load_report.failed_runs.push(FailedRun {
            backend: "rustcrypto".into(),
            error: "not wired".into(),
        });
        load_report.write(Some(&dir.path().join("a.json"))).unwrap();
        let mut scale_report = RunReport::new("scale", serde_json::json!({}));
        scale_report.scale = crate::scale::steps_of(
            "ring",
            &[(1, load("ring", 1000.0)), (2, load("ring", 1900.0))],
        );
        scale_report
            .write(Some(&dir.path().join("b.json")))
            .unwrap();
        std::fs::write(dir.path().join("junk.json"), "{not json").unwrap();

        let written = write_report(dir.path()).unwrap();
        assert_eq!(written.len(), 4);
        for svg in ["handshakes.svg", "latency.svg", "scaling.svg"] {
            let text = std::fs::read_to_string(dir.path().join(svg)).unwrap();
            assert!(text.starts_with("<svg") && text.contains("</svg>"), "{svg}");
        }
        let md = std::fs::read_to_string(dir.path().join("summary.md")).unwrap();
        assert!(md.contains("| tls13-ecdsa | ring |") && md.contains("5000"));
        assert!(
            md.contains("| ring | 2 | 0 / - | 1900 | 1.90x | 95% |"),
            "{md}"
        );
        assert!(md.contains("rustcrypto: not wired"));
    }
}
