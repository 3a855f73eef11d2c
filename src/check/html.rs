//! A report as one HTML page: the verdict, the counterexample drawn as a picture (a lane per
//! thread, its steps left to right) above its table, and the outcomes. The page stands alone:
//! its style and its picture (SVG) are inline, and it runs no script.

use std::collections::BTreeMap;
use std::fmt::{self, Write as _};

use super::report::{Counterexample, Report};
use super::runtime::record::Step;

/// The page's style: colors for the kinds of step, the lanes, the holdings and the cycle.
const STYLE: &str = "
body { font: 14px/1.45 system-ui, sans-serif; margin: 1.5em; color: #222; }
h1 { font-size: 1.3em; margin: 0 0 .3em; }
.verdict { font-family: ui-monospace, monospace; margin: .2em 0; }
.ending { font-weight: 600; margin: .6em 0; }
.why { margin: -.3em 0 .6em; }
.verdict-deadlocks .ending, .verdict-hangs .ending, .verdict-violated .ending { color: #a11; }
figure { margin: 1em 0; overflow-x: auto; }
figcaption { margin-top: .3em; }
figcaption.cycle { color: #a11; font-weight: 600; }
svg text { font: 12px ui-monospace, monospace; }
.lane-band { fill: #f6f6f6; }
.lane:nth-of-type(even) .lane-band { fill: #eef1f5; }
.lane.cycle .lane-band { fill: #fde4e1; }
.lane-name { fill: #333; }
.lane.cycle .lane-name { fill: #a11; font-weight: bold; }
.axis text { fill: #777; font-size: 10px; }
.axis line { stroke: #ddd; }
.axis .time { fill: #06c; }
.hold { opacity: .85; }
.block { stroke: #a11; stroke-width: 2; stroke-dasharray: 5 4; }
.block.never-woken { stroke-dasharray: 2 3; }
.woken { fill: none; stroke: #a11; stroke-width: 2; }
.preemption line { stroke: #e67e00; stroke-width: 1.5; stroke-dasharray: 2 2; }
.preemption path { fill: #e67e00; }
.timeout path { stroke: #c60; stroke-width: 2.5; }
.timeout text { fill: #c60; font-size: 10px; }
.edge path { fill: none; stroke: #a11; stroke-width: 2; }
.edge text { fill: #a11; font-size: 11px; }
#arrow path { fill: #a11; }
.step circle { stroke: #fff; stroke-width: 1; fill: #555; }
.step.acquire circle { fill: #2a7; }
.step.release circle { fill: #88a; }
.step.blocks circle { fill: #a11; }
.step.timeout circle { fill: #c60; }
.step.print circle { fill: #06c; }
.step:hover circle { stroke: #000; stroke-width: 2; }
.step .tip { display: none; pointer-events: none; }
.step:hover .tip { display: inline; }
.tip rect { fill: #ffffe8; stroke: #999; }
.tip text { fill: #000; white-space: pre; }
.legend { display: flex; flex-wrap: wrap; gap: .4em 1.2em; font-size: 12px; margin: .3em 0; }
.legend span { white-space: nowrap; }
.swatch { display: inline-block; width: 1.6em; height: .6em; margin-right: .3em; vertical-align: middle; }
table { border-collapse: collapse; font-family: ui-monospace, monospace; font-size: 12.5px; }
td, th { padding: .1em .8em .1em .2em; text-align: left; vertical-align: top; }
th { border-bottom: 1px solid #aaa; }
td.num { text-align: right; }
tr:target { background: #ffe9a8; }
tr.cycle td.thread { color: #a11; font-weight: bold; }
td.preempts { color: #e67e00; }
.replay { font-family: ui-monospace, monospace; font-size: 12.5px; }
details { margin-top: 1.5em; }
";

/// Colors for the locks' holdings, one a lock in the order the trace first takes them.
const PALETTE: [&str; 8] = [
    "#2a7", "#d4a017", "#7b4fb5", "#1f8fb3", "#c2577a", "#6b8e23", "#b5651d", "#4a5fc1",
];

/// The picture's geometry, in pixels: the names' column, the axis above the lanes, a lane's
/// height (a narrower one when there are more than `MANY` threads), and the room on the right
/// for the cycle's arrows.
const NAMES: f64 = 130.0;
const AXIS: f64 = 44.0;
const LANE: f64 = 48.0;
const NARROW_LANE: f64 = 28.0;
const MANY: usize = 12;
const RIGHT: f64 = 230.0;

impl Report {
    /// The report as one HTML page, headed by `title`: the verdict; the counterexample, if
    /// there is one, as a picture and as its table; the outcomes; and the whole report as text.
    /// The page stands alone (inline style and SVG, no script), to be written to a file and
    /// opened in a browser.
    ///
    /// In the picture each thread has a lane (`<g class="lane" data-thread="Thread-1">`) and
    /// its steps run left to right: a lock's holding is a bar from its acquisition to its
    /// release, a wait that blocks is a dashed span ending where the thread was woken, a
    /// timeout is a cross, a preemption a triangle with a line from the thread it preempted. A
    /// deadlock's lanes are marked (`class="lane cycle"`) and its wait-for cycle is drawn as
    /// arrows between them, and named under the picture. Hovering a step shows its row of the
    /// table; clicking it marks the row.
    ///
    /// ```
    /// use threadproof::check::{Check, Checker, Verdict};
    /// use threadproof::sync::{thread, Arc};
    /// use threadproof::Lock;
    ///
    /// // Two threads take two locks in opposite orders.
    /// let crossing = || {
    ///     let locks = Arc::new((Lock::new(), Lock::new()));
    ///     let other = {
    ///         let locks = Arc::clone(&locks);
    ///         thread::spawn(move || {
    ///             let _b = locks.1.lock();
    ///             let _a = locks.0.lock();
    ///         })
    ///     };
    ///     {
    ///         let _a = locks.0.lock();
    ///         let _b = locks.1.lock();
    ///     }
    ///     other.join().unwrap();
    /// };
    /// // On real threads it could deadlock and hang: only the checkers run it.
    /// if Checker::CURRENT.is_model_checker() {
    ///     let report = Check::new().run(crossing).expect(Verdict::Deadlocks);
    ///     let page = report.to_html("two locks in opposite orders");
    ///     assert!(page.starts_with("<!DOCTYPE html>"));
    ///     assert!(page.contains("<title>two locks in opposite orders</title>"));
    ///     // A lane for each of the two threads, both in the cycle, and the cycle named.
    ///     assert_eq!(page.matches("<g class=\"lane cycle\"").count(), 2);
    ///     let caption = page.split("wait-for cycle: ").nth(1).unwrap();
    ///     assert!(caption.starts_with("MainThread → Thread-1 → MainThread")
    ///         || caption.starts_with("Thread-1 → MainThread → Thread-1"));
    ///     // std::fs::write("report.html", page) writes it for a browser.
    /// }
    /// ```
    pub fn to_html(&self, title: &str) -> String {
        let mut page = String::new();
        self.write_html(&mut page, title)
            .expect("writing to a String does not fail");
        page
    }

    fn write_html(&self, out: &mut String, title: &str) -> fmt::Result {
        let text = self.to_string();
        writeln!(out, "<!DOCTYPE html>")?;
        writeln!(out, "<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">")?;
        writeln!(out, "<title>{}</title>", escape(title))?;
        writeln!(out, "<style>{STYLE}</style>\n</head>")?;
        writeln!(
            out,
            "<body class=\"verdict-{}\" data-verdict=\"{}\">",
            self.verdict, self.verdict
        )?;
        writeln!(out, "<h1>{}</h1>", escape(title))?;
        for line in text.lines().take_while(|l| !l.starts_with("outcomes (")) {
            if line.starts_with("counterexample (") {
                break;
            }
            writeln!(out, "<p class=\"verdict\">{}</p>", escape(line))?;
        }
        if let Some(counterexample) = &self.counterexample {
            write_counterexample(out, counterexample)?;
        }
        if !self.outcomes.is_empty() {
            writeln!(out, "<h2>Outcomes</h2>\n<table class=\"outcomes\">")?;
            writeln!(out, "<tr><th>outcome</th><th>executions</th></tr>")?;
            for (outcome, count) in &self.outcomes {
                writeln!(
                    out,
                    "<tr><td>{}</td><td class=\"num\">{count}</td></tr>",
                    escape(outcome)
                )?;
            }
            writeln!(out, "</table>")?;
        }
        writeln!(
            out,
            "<details><summary>The report as text</summary>\n<pre>{}</pre>\n</details>",
            escape(&text)
        )?;
        writeln!(out, "</body>\n</html>")
    }
}

/// The counterexample: its heading and ending, its picture and its table.
fn write_counterexample(out: &mut String, c: &Counterexample) -> fmt::Result {
    let heading = c.to_string();
    let heading = heading.lines().next().unwrap_or_default();
    writeln!(out, "<h2>{}</h2>", escape(heading.trim_end_matches(':')))?;
    writeln!(out, "<p class=\"ending\">{}</p>", escape(&c.ending))?;
    if let Some(why) = &c.why {
        writeln!(out, "<p class=\"why\">{}</p>", escape(why))?;
    }
    let picture = Picture::new(c);
    writeln!(out, "<figure>")?;
    picture.write_svg(out)?;
    picture.write_legend(out)?;
    if !c.cycle.is_empty() {
        let mut names = c.cycle.clone();
        names.push(c.cycle[0].clone());
        writeln!(
            out,
            "<figcaption class=\"cycle\">wait-for cycle: {}</figcaption>",
            escape(&names.join(" \u{2192} "))
        )?;
    }
    writeln!(out, "</figure>")?;
    if let Some(replay) = &c.replay {
        writeln!(
            out,
            "<p class=\"replay\">replay: Check::replay(\"{}\")</p>",
            escape(replay)
        )?;
    }
    write_table(out, c)
}

/// The counterexample's table, a row a step, each row the target of its step in the picture.
fn write_table(out: &mut String, c: &Counterexample) -> fmt::Result {
    writeln!(out, "<table class=\"steps\">")?;
    let time = if c.timed { "<th>time</th>" } else { "" };
    writeln!(
        out,
        "<tr><th>step</th>{time}<th>thread</th><th>action</th><th>value</th><th></th></tr>"
    )?;
    for s in &c.steps {
        let class = if c.cycle.contains(&s.thread) {
            " class=\"cycle\""
        } else {
            ""
        };
        let time = if c.timed {
            format!("<td class=\"num\">{}s</td>", s.seconds)
        } else {
            String::new()
        };
        let preempts = match &s.preempts {
            Some(p) => format!("(preempts {})", escape(p)),
            None => String::new(),
        };
        writeln!(
            out,
            "<tr id=\"step-{n}\"{class}><td class=\"num\">{n}</td>{time}\
             <td class=\"thread\">{}</td><td>{}</td><td>{}</td><td class=\"preempts\">{preempts}</td></tr>",
            escape(&s.thread),
            escape(&s.action),
            escape(&s.value),
            n = s.step,
        )?;
    }
    writeln!(out, "</table>")
}

/// What a step is, for its mark in the picture.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Kind {
    /// It took a lock (`acquire lock_a`, `reacquire items`: `ok`).
    Acquire,
    /// It released one.
    Release,
    /// It blocked, until the thread's next step.
    Blocks,
    /// A wait timed out.
    Timeout,
    /// It printed a line.
    Print,
    /// Anything else: a read, a write, a notify.
    Other,
}

impl Kind {
    fn of(step: &Step) -> Kind {
        let verb = step.action.split(' ').next().unwrap_or_default();
        if step.value.starts_with("blocks") {
            Kind::Blocks
        } else if step.value == "timed out" {
            Kind::Timeout
        } else if matches!(verb, "acquire" | "reacquire") && step.value == "ok" {
            Kind::Acquire
        } else if verb == "release" {
            Kind::Release
        } else if step.action == super::runtime::record::PRINT {
            Kind::Print
        } else {
            Kind::Other
        }
    }

    fn class(self) -> &'static str {
        match self {
            Kind::Acquire => "acquire",
            Kind::Release => "release",
            Kind::Blocks => "blocks",
            Kind::Timeout => "timeout",
            Kind::Print => "print",
            Kind::Other => "other",
        }
    }
}

/// A lock held by a thread from one step to another (or to the end of the execution).
#[derive(Clone, Debug, PartialEq)]
struct Holding {
    thread: String,
    lock: String,
    from: usize,
    /// The step that released it, `None` if it was still held at the end.
    until: Option<usize>,
}

/// A thread blocked from one step until its next one (or to the end).
#[derive(Clone, Debug, PartialEq)]
struct Blocking {
    thread: String,
    from: usize,
    until: Option<usize>,
}

/// The counterexample laid out: the lanes, the holdings and the blockings, by index in `steps`.
struct Picture<'a> {
    c: &'a Counterexample,
    lanes: Vec<&'a str>,
    locks: Vec<&'a str>,
    holdings: Vec<Holding>,
    blockings: Vec<Blocking>,
    /// Pixels between two steps.
    dx: f64,
    /// A lane's height.
    lane: f64,
}

/// The object of an action: `lock_a` in `acquire lock_a`.
fn object(action: &str) -> &str {
    action.split_once(' ').map_or("", |(_, o)| o)
}

impl<'a> Picture<'a> {
    fn new(c: &'a Counterexample) -> Self {
        let mut lanes: Vec<&str> = Vec::new();
        for s in &c.steps {
            if !lanes.contains(&s.thread.as_str()) {
                lanes.push(&s.thread);
            }
        }
        // A thread in the cycle that took no step of the trace still gets its lane.
        for t in &c.cycle {
            if !lanes.contains(&t.as_str()) {
                lanes.push(t);
            }
        }
        let (locks, holdings) = holdings(&c.steps);
        let blockings = c
            .steps
            .iter()
            .enumerate()
            .filter(|(_, s)| Kind::of(s) == Kind::Blocks)
            .map(|(i, s)| Blocking {
                thread: s.thread.clone(),
                from: i,
                until: c.steps[i + 1..]
                    .iter()
                    .position(|t| t.thread == s.thread)
                    .map(|j| i + 1 + j),
            })
            .collect();
        let dx = (900.0 / c.steps.len().max(1) as f64).clamp(10.0, 34.0);
        let lane = if lanes.len() > MANY {
            NARROW_LANE
        } else {
            LANE
        };
        Picture {
            c,
            lane,
            lanes,
            locks,
            holdings,
            blockings,
            dx,
        }
    }

    /// The x of the `i`-th step (0-based).
    fn x(&self, i: usize) -> f64 {
        NAMES + self.dx * (i as f64 + 0.5)
    }

    /// The x just past the last step.
    fn end(&self) -> f64 {
        NAMES + self.dx * (self.c.steps.len() as f64 + 0.5)
    }

    fn lane_top(&self, thread: &str) -> f64 {
        let index = self.lanes.iter().position(|t| *t == thread).unwrap_or(0);
        AXIS + self.lane * index as f64
    }

    /// The y of a thread's steps: the middle of the upper part of its lane.
    fn y(&self, thread: &str) -> f64 {
        self.lane_top(thread) + self.lane * 0.36
    }

    fn width(&self) -> f64 {
        self.end() + RIGHT
    }

    fn height(&self) -> f64 {
        AXIS + self.lane * self.lanes.len() as f64 + 8.0
    }

    fn write_svg(&self, out: &mut String) -> fmt::Result {
        writeln!(
            out,
            "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"trace\" width=\"{w:.0}\" \
             height=\"{h:.0}\" viewBox=\"0 0 {w:.0} {h:.0}\" data-threads=\"{}\" data-steps=\"{}\">",
            self.lanes.len(),
            self.c.steps.len(),
            w = self.width(),
            h = self.height(),
        )?;
        writeln!(
            out,
            "<defs><marker id=\"arrow\" viewBox=\"0 0 10 10\" refX=\"9\" refY=\"5\" \
             markerWidth=\"7\" markerHeight=\"7\" orient=\"auto-start-reverse\">\
             <path d=\"M0,0 L10,5 L0,10 z\"/></marker></defs>"
        )?;
        self.write_lanes(out)?;
        self.write_axis(out)?;
        self.write_holdings(out)?;
        self.write_blockings(out)?;
        self.write_preemptions(out)?;
        self.write_cycle(out)?;
        self.write_steps(out)?;
        writeln!(out, "</svg>")
    }

    fn write_lanes(&self, out: &mut String) -> fmt::Result {
        for thread in &self.lanes {
            let top = self.lane_top(thread);
            let class = if self.c.cycle.iter().any(|t| t == thread) {
                "lane cycle"
            } else {
                "lane"
            };
            writeln!(
                out,
                "<g class=\"{class}\" data-thread=\"{t}\"><rect class=\"lane-band\" x=\"0\" \
                 y=\"{top:.1}\" width=\"{w:.1}\" height=\"{h:.1}\"/><text class=\"lane-name\" \
                 x=\"8\" y=\"{y:.1}\">{t}</text></g>",
                t = escape(thread),
                w = self.width(),
                h = self.lane - 2.0,
                y = top + self.lane * 0.36 + 4.0,
            )?;
        }
        Ok(())
    }

    /// Step numbers above the lanes and, on the virtual clock, the time where it changes.
    fn write_axis(&self, out: &mut String) -> fmt::Result {
        writeln!(out, "<g class=\"axis\">")?;
        let every = (40.0 / self.dx).ceil().max(1.0) as usize;
        let bottom = self.height() - 8.0;
        let mut last_time = None;
        for (i, s) in self.c.steps.iter().enumerate() {
            let x = self.x(i);
            if i % every == 0 || i + 1 == self.c.steps.len() {
                writeln!(
                    out,
                    "<text x=\"{x:.1}\" y=\"14\" text-anchor=\"middle\">{}</text>",
                    s.step
                )?;
            }
            if self.c.timed && last_time != Some(s.seconds) {
                last_time = Some(s.seconds);
                writeln!(
                    out,
                    "<line x1=\"{x:.1}\" y1=\"{AXIS}\" x2=\"{x:.1}\" y2=\"{bottom:.1}\"/>\
                     <text class=\"time\" x=\"{x:.1}\" y=\"34\" text-anchor=\"middle\">{}s</text>",
                    s.seconds
                )?;
            }
        }
        let label = if self.c.timed { "step / time" } else { "step" };
        writeln!(out, "<text x=\"8\" y=\"14\">{label}</text>\n</g>")
    }

    fn write_holdings(&self, out: &mut String) -> fmt::Result {
        for h in &self.holdings {
            let index = self.locks.iter().position(|l| *l == h.lock).unwrap_or(0);
            let color = PALETTE[index % PALETTE.len()];
            let scale = self.lane / LANE;
            let y = self.lane_top(&h.thread) + scale * (29.0 + 5.0 * (index % 3) as f64);
            let x1 = self.x(h.from);
            let x2 = h.until.map_or(self.end(), |u| self.x(u));
            let until = match h.until {
                Some(u) => format!("until step {}", self.c.steps[u].step),
                None => "to the end".to_owned(),
            };
            writeln!(
                out,
                "<rect class=\"hold\" data-thread=\"{t}\" data-lock=\"{l}\" x=\"{x1:.1}\" \
                 y=\"{y:.1}\" width=\"{w:.1}\" height=\"{height:.1}\" fill=\"{color}\">\
                 <title>{t} holds {l} from step {from} {until}</title></rect>",
                t = escape(&h.thread),
                l = escape(&h.lock),
                w = (x2 - x1).max(2.0),
                height = 4.0 * scale,
                from = self.c.steps[h.from].step,
            )?;
        }
        Ok(())
    }

    fn write_blockings(&self, out: &mut String) -> fmt::Result {
        for b in &self.blockings {
            let y = self.y(&b.thread);
            let x1 = self.x(b.from);
            let step = &self.c.steps[b.from];
            match b.until {
                Some(u) => {
                    let x2 = self.x(u);
                    writeln!(
                        out,
                        "<g class=\"blocking\" data-thread=\"{t}\"><line class=\"block\" \
                         x1=\"{x1:.1}\" y1=\"{y:.1}\" x2=\"{x2:.1}\" y2=\"{y:.1}\"/>\
                         <path class=\"woken\" d=\"M{a:.1},{t1:.1} L{x2:.1},{y:.1} L{a:.1},{t2:.1}\"/>\
                         <title>{t} blocked in {act} from step {from} until step {to}</title></g>",
                        t = escape(&b.thread),
                        act = escape(&step.action),
                        from = step.step,
                        to = self.c.steps[u].step,
                        a = x2 - 6.0,
                        t1 = y - 5.0,
                        t2 = y + 5.0,
                    )?;
                }
                None => {
                    writeln!(
                        out,
                        "<g class=\"blocking\" data-thread=\"{t}\"><line class=\"block never-woken\" \
                         x1=\"{x1:.1}\" y1=\"{y:.1}\" x2=\"{x2:.1}\" y2=\"{y:.1}\"/>\
                         <title>{t} blocked in {act} from step {from}, never woken</title></g>",
                        t = escape(&b.thread),
                        act = escape(&step.action),
                        from = step.step,
                        x2 = self.end(),
                    )?;
                }
            }
        }
        Ok(())
    }

    /// A triangle over the step that preempted, and a line from the lane of the thread it
    /// preempted.
    fn write_preemptions(&self, out: &mut String) -> fmt::Result {
        for (i, s) in self.c.steps.iter().enumerate() {
            let Some(preempted) = &s.preempts else {
                continue;
            };
            let x = self.x(i);
            let y = self.y(&s.thread);
            let from = self.y(preempted);
            writeln!(
                out,
                "<g class=\"preemption\" data-step=\"{n}\" data-thread=\"{t}\" data-preempts=\"{p}\">\
                 <line x1=\"{x:.1}\" y1=\"{from:.1}\" x2=\"{x:.1}\" y2=\"{y:.1}\"/>\
                 <path d=\"M{l:.1},{top:.1} L{r:.1},{top:.1} L{x:.1},{tip:.1} z\"/>\
                 <title>step {n}: {t} preempts {p}</title></g>",
                n = s.step,
                t = escape(&s.thread),
                p = escape(preempted),
                l = x - 5.0,
                r = x + 5.0,
                top = y - 16.0,
                tip = y - 8.0,
            )?;
        }
        Ok(())
    }

    /// The deadlock's cycle: an arrow from each thread in it to the one holding what it waits
    /// for, right of the last step, named by that lock.
    fn write_cycle(&self, out: &mut String) -> fmt::Result {
        let cycle = &self.c.cycle;
        let x = self.end() + 12.0;
        // Arrows down bulge less than arrows up, so a pair of them does not overlap; the
        // names of the locks stand right of the widest.
        let bulge = |i: usize, down: bool| if down { 30.0 } else { 75.0 } + 6.0 * i as f64;
        let names = x + 0.75 * bulge(cycle.len(), false) + 4.0;
        for (i, from) in cycle.iter().enumerate() {
            let to = &cycle[(i + 1) % cycle.len()];
            // What it waits for: the object of its last step that blocked.
            let waits_for = self
                .c
                .steps
                .iter()
                .rev()
                .find(|s| &s.thread == from && Kind::of(s) == Kind::Blocks)
                .map_or("", |s| object(&s.action));
            let (y1, y2) = (self.y(from), self.y(to));
            let bulge = bulge(i, y2 > y1);
            writeln!(
                out,
                "<g class=\"edge\" data-from=\"{f}\" data-to=\"{t}\"><path d=\"M{x:.1},{y1:.1} \
                 C{c:.1},{y1:.1} {c:.1},{y2:.1} {x:.1},{y2:.1}\" marker-end=\"url(#arrow)\"/>\
                 <text x=\"{tx:.1}\" y=\"{ty:.1}\">waits for {w}</text>\
                 <title>{f} waits for {w}, held by {t}</title></g>",
                f = escape(from),
                t = escape(to),
                w = escape(waits_for),
                c = x + bulge,
                // Near its thread's end of the arrow, so the names of a pair stay apart.
                tx = names,
                ty = y1 + (y2 - y1) * 0.3 + 4.0,
            )?;
        }
        Ok(())
    }

    /// Each step's mark, linked to its row of the table, with the row shown on hover.
    fn write_steps(&self, out: &mut String) -> fmt::Result {
        for (i, s) in self.c.steps.iter().enumerate() {
            let kind = Kind::of(s);
            let x = self.x(i);
            let y = self.y(&s.thread);
            let row = row(s, self.c.timed);
            let timeout = if kind == Kind::Timeout {
                format!(
                    "<g class=\"timeout\"><path d=\"M{a:.1},{b:.1} L{c:.1},{d:.1} M{a:.1},{d:.1} \
                     L{c:.1},{b:.1}\"/><text x=\"{x:.1}\" y=\"{ty:.1}\" text-anchor=\"middle\">\
                     timed out</text></g>",
                    a = x - 7.0,
                    c = x + 7.0,
                    b = y - 7.0,
                    d = y + 7.0,
                    ty = y - 10.0,
                )
            } else {
                String::new()
            };
            // The tip: above the step, kept inside the picture.
            let tip_width = 12.0 + 7.3 * display_width(&row) as f64;
            let tip_x = (x - tip_width / 2.0)
                .min(self.width() - tip_width - 2.0)
                .max(2.0);
            let tip_y = if y - 40.0 < 0.0 { y + 12.0 } else { y - 40.0 };
            writeln!(
                out,
                "<a href=\"#step-{n}\"><g class=\"step {k}\" data-step=\"{n}\" data-thread=\"{t}\">\
                 {timeout}<circle cx=\"{x:.1}\" cy=\"{y:.1}\" r=\"{r}\"/>\
                 <title>{row}</title>\
                 <g class=\"tip\"><rect x=\"{tip_x:.1}\" y=\"{tip_y:.1}\" width=\"{tip_width:.1}\" \
                 height=\"20\" rx=\"3\"/><text x=\"{tx:.1}\" y=\"{ty:.1}\">{row}</text></g></g></a>",
                n = s.step,
                k = kind.class(),
                t = escape(&s.thread),
                r = (self.dx / 4.0).clamp(3.0, 6.0),
                row = escape(&row),
                tx = tip_x + 6.0,
                ty = tip_y + 14.0,
            )?;
        }
        Ok(())
    }

    /// The legend: what the marks mean, and each lock's color.
    fn write_legend(&self, out: &mut String) -> fmt::Result {
        write!(out, "<div class=\"legend\">")?;
        for (index, lock) in self.locks.iter().enumerate() {
            write!(
                out,
                "<span><span class=\"swatch\" style=\"background:{}\"></span>holds {}</span>",
                PALETTE[index % PALETTE.len()],
                escape(lock)
            )?;
        }
        write!(
            out,
            "<span>- - - blocked, until woken</span>\
             <span>\u{2715} timed out</span>\
             <span style=\"color:#e67e00\">\u{25bc} preempts</span>\
             <span>hover a step for its row</span>"
        )?;
        writeln!(out, "</div>")
    }
}

/// Each lock's holdings, from an acquisition that succeeded to the same thread's release of
/// it (a reentrant lock's outermost pair), and the locks in the order the trace first takes
/// them.
fn holdings(steps: &[Step]) -> (Vec<&str>, Vec<Holding>) {
    let mut locks: Vec<&str> = Vec::new();
    let mut holdings = Vec::new();
    // (thread, lock) -> (index of the holding, depth)
    let mut open: BTreeMap<(&str, &str), (usize, usize)> = BTreeMap::new();
    for (i, s) in steps.iter().enumerate() {
        let lock = object(&s.action);
        match Kind::of(s) {
            Kind::Acquire => {
                if !locks.contains(&lock) {
                    locks.push(lock);
                }
                let entry = open.entry((&s.thread, lock)).or_insert_with(|| {
                    holdings.push(Holding {
                        thread: s.thread.clone(),
                        lock: lock.to_owned(),
                        from: i,
                        until: None,
                    });
                    (holdings.len() - 1, 0)
                });
                entry.1 += 1;
            }
            Kind::Release => {
                if let Some((index, depth)) = open.get_mut(&(s.thread.as_str(), lock)) {
                    *depth -= 1;
                    if *depth == 0 {
                        holdings[*index].until = Some(i);
                        open.remove(&(s.thread.as_str(), lock));
                    }
                }
            }
            _ => {}
        }
    }
    (locks, holdings)
}

/// A step's row of the table, as one line.
fn row(s: &Step, timed: bool) -> String {
    let mut row = format!("{}  ", s.step);
    if timed {
        let _ = write!(row, "{}s  ", s.seconds);
    }
    let _ = write!(row, "{}  {}", s.thread, s.action);
    if !s.value.is_empty() {
        let _ = write!(row, "  {}", s.value);
    }
    if let Some(p) = &s.preempts {
        let _ = write!(row, "  (preempts {p})");
    }
    row
}

/// Columns a line takes in a monospace font: two for a wide character (a CJK one).
fn display_width(text: &str) -> usize {
    text.chars()
        .map(|c| if c.len_utf8() >= 3 { 2 } else { 1 })
        .sum()
}

/// The text with HTML's special characters escaped, for an element or an attribute.
fn escape(text: &str) -> String {
    let mut escaped = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => escaped.push_str("&amp;"),
            '<' => escaped.push_str("&lt;"),
            '>' => escaped.push_str("&gt;"),
            '"' => escaped.push_str("&quot;"),
            '\'' => escaped.push_str("&#39;"),
            c => escaped.push(c),
        }
    }
    escaped
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;
    use std::time::Duration;

    use super::super::{Checker, Counterexample, Report, Search, Step, Timing, Verdict};
    use super::{escape, holdings, Holding};

    fn step(n: usize, thread: &str, action: &str, value: &str) -> Step {
        Step {
            step: n,
            seconds: 0.0,
            thread: thread.to_owned(),
            action: action.to_owned(),
            value: value.to_owned(),
            preempts: None,
        }
    }

    /// The opposite-order deadlock, as shuttle finds it: Thread-2 preempts Thread-1 at step 3.
    fn deadlock() -> Report {
        let mut steps = vec![
            step(1, "Thread-1", "acquire lock_a", "ok"),
            step(2, "Thread-1", "release lock_a", ""),
            step(3, "Thread-2", "acquire lock_b", "ok"),
            step(4, "Thread-1", "acquire lock_b", "blocks: held by Thread-2"),
            step(5, "Thread-2", "print", "<b>&\"ok\""),
            step(6, "Thread-2", "acquire lock_a", "ok"),
            step(7, "Thread-3", "acquire lock_a", "blocks: held by Thread-2"),
            step(8, "Thread-2", "release lock_a", ""),
            step(9, "Thread-3", "acquire lock_a", "timed out"),
            step(10, "Thread-1", "acquire lock_a", "ok"),
            step(11, "Thread-2", "acquire lock_a", "blocks: held by Thread-1"),
        ];
        steps[2].preempts = Some("Thread-1".to_owned());
        Report {
            checker: Checker::Shuttle,
            search: Search::PROOF,
            timing: Timing::Any,
            verdict: Verdict::Deadlocks,
            executions: 5,
            elapsed: Duration::ZERO,
            outcomes: BTreeMap::from([("deadlocks".to_owned(), 1)]),
            printed: BTreeMap::new(),
            timed_out_executions: 1,
            counterexample: Some(Counterexample {
                execution: 5,
                timed: false,
                steps,
                ending: "deadlock: Thread-1 holds lock_a and waits for lock_b; \
                         Thread-2 holds lock_b and waits for lock_a"
                    .to_owned(),
                replay: Some("tp1-any-w-0-a-".to_owned()),
                fewest_preemptions: None,
                fewer_not_ruled_out: None,
                shortest: false,
                why: None,
                cycle: vec!["Thread-1".to_owned(), "Thread-2".to_owned()],
            }),
            limit: None,
            stopped_at_first: true,
            sleep_set_blocked: 0,
            part: None,
            error: None,
        }
    }

    /// The opening tags of a class, such as every `<g class="lane` element.
    fn tags<'a>(page: &'a str, start: &str) -> Vec<&'a str> {
        page.match_indices(start)
            .map(|(i, _)| &page[i..i + page[i..].find('>').expect("a closed tag")])
            .collect()
    }

    #[test]
    fn every_thread_has_a_lane_and_the_cycles_threads_are_marked() {
        let page = deadlock().to_html("opposite orders");
        let lanes = tags(&page, "<g class=\"lane");
        assert_eq!(
            lanes,
            [
                "<g class=\"lane cycle\" data-thread=\"Thread-1\"",
                "<g class=\"lane cycle\" data-thread=\"Thread-2\"",
                "<g class=\"lane\" data-thread=\"Thread-3\"",
            ]
        );
        assert!(page.contains("data-threads=\"3\" data-steps=\"11\""));
        assert!(page.contains(
            "<figcaption class=\"cycle\">wait-for cycle: Thread-1 \u{2192} Thread-2 \u{2192} \
             Thread-1</figcaption>"
        ));
        // An arrow each way, named by the lock each waits for.
        assert_eq!(
            tags(&page, "<g class=\"edge\""),
            [
                "<g class=\"edge\" data-from=\"Thread-1\" data-to=\"Thread-2\"",
                "<g class=\"edge\" data-from=\"Thread-2\" data-to=\"Thread-1\"",
            ]
        );
        assert!(page.contains("<title>Thread-1 waits for lock_b, held by Thread-2</title>"));
        assert!(page.contains("<title>Thread-2 waits for lock_a, held by Thread-1</title>"));
    }

    #[test]
    fn blocking_holding_timeouts_and_preemptions_are_drawn() {
        let page = deadlock().to_html("opposite orders");
        // Woken by its next step, or never.
        assert!(page.contains(
            "<title>Thread-1 blocked in acquire lock_b from step 4 until step 10</title>"
        ));
        assert!(page.contains(
            "<title>Thread-3 blocked in acquire lock_a from step 7 until step 9</title>"
        ));
        assert!(page.contains(
            "<title>Thread-2 blocked in acquire lock_a from step 11, never woken</title>"
        ));
        assert!(page.contains("<title>Thread-1 holds lock_a from step 1 until step 2</title>"));
        assert!(page.contains("<title>Thread-1 holds lock_a from step 10 to the end</title>"));
        assert!(page.contains("<title>Thread-2 holds lock_b from step 3 to the end</title>"));
        assert_eq!(tags(&page, "<g class=\"timeout\"").len(), 1);
        assert_eq!(
            tags(&page, "<g class=\"preemption\""),
            [
                "<g class=\"preemption\" data-step=\"3\" data-thread=\"Thread-2\" \
              data-preempts=\"Thread-1\""
            ]
        );
    }

    #[test]
    fn each_step_links_to_its_row_and_shows_it() {
        let page = deadlock().to_html("opposite orders");
        for n in 1..=11 {
            assert!(page.contains(&format!("<a href=\"#step-{n}\"><g class=\"step ")));
            assert!(page.contains(&format!("<tr id=\"step-{n}\"")));
        }
        assert!(page.contains("<tr id=\"step-4\" class=\"cycle\">"));
        assert!(page.contains("<tr id=\"step-7\"><td"));
        assert!(
            page.contains("<title>3  Thread-2  acquire lock_b  ok  (preempts Thread-1)</title>")
        );
        assert!(page.contains("<g class=\"step timeout\" data-step=\"9\""));
    }

    #[test]
    fn every_string_is_escaped() {
        let mut report = deadlock();
        report.outcomes.insert("a < b".to_owned(), 2);
        let page = report.to_html("<script>alert(1)</script>");
        assert!(!page.contains("<script>"));
        assert!(!page.contains("<b>"));
        assert!(page.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
        assert!(page.contains("&lt;b&gt;&amp;&quot;ok&quot;"));
        assert!(page.contains("<td>a &lt; b</td>"));
        assert_eq!(escape("'x'"), "&#39;x&#39;");
    }

    /// The sentence of the preemptions a violation needs is shown under its ending.
    #[test]
    fn a_violation_says_why_under_its_ending() {
        let mut report = deadlock();
        let page = report.to_html("deadlock");
        assert!(!page.contains("<p class=\"why\">"));
        let counterexample = report.counterexample.as_mut().unwrap();
        counterexample.why = Some("Thread-2's `read <x>` (step 3)".to_owned());
        let page = report.to_html("violated");
        let ending = page.find("<p class=\"ending\">").unwrap();
        let why = page
            .find("<p class=\"why\">Thread-2&#39;s `read &lt;x&gt;` (step 3)</p>")
            .unwrap();
        assert!(ending < why);
    }

    #[test]
    fn a_report_without_a_counterexample_has_no_picture() {
        let mut report = deadlock();
        report.verdict = Verdict::Holds;
        report.counterexample = None;
        let page = report.to_html("holds");
        assert!(!page.contains("<svg"));
        assert!(page.contains("<p class=\"verdict\">verdict: holds (shuttle"));
        assert!(page.ends_with("</body>\n</html>\n"));
    }

    #[test]
    fn a_reentrant_holding_ends_at_its_outermost_release() {
        let steps = [
            step(1, "T", "acquire r", "ok"),
            step(2, "T", "acquire r", "ok"),
            step(3, "T", "release r", ""),
            step(4, "T", "release r", ""),
            step(5, "U", "release r", ""),
        ];
        let (locks, held) = holdings(&steps);
        assert_eq!(locks, ["r"]);
        assert_eq!(
            held,
            [Holding {
                thread: "T".to_owned(),
                lock: "r".to_owned(),
                from: 0,
                until: Some(3),
            }]
        );
    }

    #[test]
    fn the_virtual_clock_labels_the_axis_where_time_moves() {
        let mut report = deadlock();
        let c = report.counterexample.as_mut().expect("one");
        c.timed = true;
        for (i, s) in c.steps.iter_mut().enumerate() {
            s.seconds = (i / 4) as f64;
        }
        let page = report.to_html("timed");
        let times: Vec<_> = tags(&page, "<text class=\"time\"");
        assert_eq!(times.len(), 3, "0s, 1s and 2s");
        assert!(page.contains("<th>time</th>"));
        assert!(page.contains("<title>5  1s  Thread-2  print"));
    }
}
