//! The crate's module map, read from its source: which file uses which, and a test that the
//! uses run one way (no file, and no top-level module, reaches back to one that reaches it).
//!
//! A use is any path through `crate::`, `super::` or `self::` in code (comments left out),
//! resolved to the file of the deepest module it names; a module's own `mod` declarations are
//! not uses. The crate root (`lib.rs`) declares and re-exports everything, so it is left out.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

/// The library's files by module path (`check::runtime::record`), with their source.
pub fn modules(src: &Path) -> BTreeMap<Vec<String>, String> {
    let mut modules = BTreeMap::new();
    let mut stack = vec![src.to_path_buf()];
    while let Some(dir) = stack.pop() {
        let entries = std::fs::read_dir(&dir).expect("the library's sources are readable");
        for entry in entries {
            let path = entry.expect("a directory entry").path();
            if path.is_dir() {
                stack.push(path);
                continue;
            }
            if path.extension().is_none_or(|e| e != "rs") {
                continue;
            }
            let relative = path.strip_prefix(src).expect("under src");
            let mut module: Vec<String> = relative
                .with_extension("")
                .iter()
                .map(|part| part.to_string_lossy().into_owned())
                .collect();
            if matches!(module.last().map(String::as_str), Some("mod" | "lib")) {
                module.pop();
            }
            let text = std::fs::read_to_string(&path).expect("a readable source file");
            modules.insert(module, text);
        }
    }
    modules
}

/// Which module files each module file uses (the crate root left out). A path through a name
/// that a module imports (`super::Condvar`, which `sync` takes from its backend) is followed to
/// where the name comes from.
pub fn uses(
    modules: &BTreeMap<Vec<String>, String>,
) -> BTreeMap<Vec<String>, BTreeSet<Vec<String>>> {
    let imports: BTreeMap<Vec<String>, Imports> = modules
        .iter()
        .map(|(module, text)| (module.clone(), imported_names(module, text, modules)))
        .collect();
    // The deepest modules with a file of their own that `path` goes through, following
    // imported names (to each of a name's origins, where `cfg`s choose between several).
    fn targets_of(
        path: Vec<String>,
        modules: &BTreeMap<Vec<String>, String>,
        imports: &BTreeMap<Vec<String>, Imports>,
        hops: usize,
        found: &mut BTreeSet<Vec<String>>,
    ) {
        let Some(target) = (1..=path.len())
            .rev()
            .map(|n| path[..n].to_vec())
            .find(|prefix| modules.contains_key(prefix))
        else {
            return;
        };
        let origins = path
            .get(target.len())
            .and_then(|name| imports.get(&target)?.get(name))
            .filter(|_| hops < 8);
        match origins {
            Some(origins) => {
                for origin in origins {
                    let mut followed = origin.clone();
                    followed.extend(path[target.len() + 1..].iter().cloned());
                    targets_of(followed, modules, imports, hops + 1, found);
                }
            }
            None => {
                found.insert(target);
            }
        }
    }
    let mut graph = BTreeMap::new();
    for (module, text) in modules {
        if module.is_empty() {
            continue;
        }
        let mut targets = BTreeSet::new();
        let mut found = BTreeSet::new();
        for path in paths(module, text) {
            targets_of(path, modules, &imports, 0, &mut found);
        }
        for target in found {
            if &target != module && !target.is_empty() {
                targets.insert(target);
            }
        }
        graph.insert(module.clone(), targets);
    }
    graph
}

/// Every path (from the crate root) that `text`, the file of `module`, uses.
fn paths(module: &[String], text: &str) -> Vec<Vec<String>> {
    let mut found = Vec::new();
    // The inline modules (`mod imp { ... }`) around each point: their names, and the brace
    // depth each opened at.
    let mut inline: Vec<(String, usize)> = Vec::new();
    let mut depth = 0usize;
    let mut statement = String::new();
    // A `#[cfg(test)]` just seen, and the depth of the test module being read: the tests'
    // uses are not the library's.
    let mut cfg_test = false;
    let mut in_test: Option<usize> = None;
    for line in text.lines() {
        let code = strip_comment(line);
        let trimmed = code.trim();
        if trimmed.starts_with("#[cfg(") && trimmed.contains("test") {
            cfg_test = true;
            continue;
        }
        if let Some(name) = trimmed
            .trim_start_matches("pub(crate) ")
            .trim_start_matches("pub ")
            .strip_prefix("mod ")
            .and_then(|rest| rest.strip_suffix('{'))
        {
            if cfg_test && in_test.is_none() {
                in_test = Some(depth);
            }
            inline.push((name.trim().to_owned(), depth));
            depth += 1;
            cfg_test = false;
            continue;
        }
        if !trimmed.is_empty() && !trimmed.starts_with("#[") {
            cfg_test = false;
        }
        if in_test.is_some() {
            count_braces(&code, &mut depth, &mut inline, &mut in_test);
            continue;
        }
        let here: Vec<String> = module
            .iter()
            .cloned()
            .chain(inline.iter().map(|(name, _)| name.clone()))
            .collect();
        if starts_use(trimmed) || !statement.is_empty() {
            if let Some(tree) = read_use(&mut statement, trimmed) {
                for path in use_tree(&tree) {
                    if let Some(path) = absolute(&here, &path) {
                        found.push(path);
                    }
                }
            }
        } else {
            for path in inline_paths(&code) {
                if let Some(path) = absolute(&here, &path) {
                    found.push(path);
                }
            }
        }
        count_braces(&code, &mut depth, &mut inline, &mut in_test);
    }
    found
}

/// Whether a line of code starts a `use` declaration.
fn starts_use(trimmed: &str) -> bool {
    ["use ", "pub use ", "pub(crate) use ", "pub(super) use "]
        .iter()
        .any(|s| trimmed.starts_with(s))
}

/// Adds a line of a `use` declaration to `statement`; once the declaration ends, its tree
/// (what follows `use`, without the `;`), and `statement` is empty again.
fn read_use(statement: &mut String, trimmed: &str) -> Option<String> {
    statement.push_str(trimmed);
    statement.push(' ');
    if !trimmed.ends_with(';') {
        return None;
    }
    let tree = statement
        .split_once("use ")
        .map(|(_, tree)| tree.trim_end_matches([';', ' ']).to_owned())
        .unwrap_or_default();
    statement.clear();
    Some(tree)
}

/// The names a module imports, each with the paths it may stand for (one per `cfg`).
type Imports = BTreeMap<String, Vec<Vec<String>>>;

/// The names `text`, the file of `module`, imports at its top level with `use` (its own or
/// an alias), each with the paths it stands for. A path that starts with neither `crate`,
/// `super` nor `self` starts from a name imported before it or a module declared here;
/// anything else is another crate's.
fn imported_names(
    module: &[String],
    text: &str,
    modules: &BTreeMap<Vec<String>, String>,
) -> Imports {
    let mut names: Imports = BTreeMap::new();
    let mut statement = String::new();
    let mut depth = 0usize;
    for line in text.lines() {
        let code = strip_comment(line);
        let trimmed = code.trim();
        if depth == 0 && (starts_use(trimmed) || !statement.is_empty()) {
            if let Some(tree) = read_use(&mut statement, trimmed) {
                for (name, path) in named_use_tree(&tree) {
                    let resolved: Vec<Vec<String>> = match absolute(module, &path) {
                        Some(path) => vec![path],
                        None => {
                            let first = path.first().cloned().unwrap_or_default();
                            let child: Vec<String> =
                                module.iter().cloned().chain([first.clone()]).collect();
                            if modules.contains_key(&child) {
                                vec![child.into_iter().chain(path[1..].iter().cloned()).collect()]
                            } else {
                                names
                                    .get(&first)
                                    .into_iter()
                                    .flatten()
                                    .map(|origin| {
                                        origin.iter().chain(&path[1..]).cloned().collect()
                                    })
                                    .collect()
                            }
                        }
                    };
                    names.entry(name).or_default().extend(resolved);
                }
            }
            continue;
        }
        depth += code.matches('{').count();
        depth = depth.saturating_sub(code.matches('}').count());
    }
    names
}

/// The names a use tree brings in, each with its path: `a::{b, c::d as e}` brings `b`
/// (`a::b`) and `e` (`a::c::d`); a glob brings nothing that can be named here.
fn named_use_tree(tree: &str) -> Vec<(String, Vec<String>)> {
    let leaves: Vec<&str> = {
        // The leaves' aliases, in the order `use_tree` returns their paths.
        let mut leaves = Vec::new();
        let mut rest = tree;
        while !rest.is_empty() {
            let end = rest.find([',', '{', '}']).unwrap_or(rest.len());
            let leaf = rest[..end].trim();
            let next = rest[end..].chars().next();
            if !leaf.is_empty() && next != Some('{') {
                leaves.push(leaf);
            }
            rest = rest.get(end + 1..).unwrap_or("");
        }
        leaves
    };
    use_tree(tree)
        .into_iter()
        .zip(leaves)
        .filter_map(|(path, leaf)| {
            let name = match leaf.split_once(" as ") {
                Some((_, alias)) => alias.trim().to_owned(),
                None => {
                    let last = leaf.rsplit("::").next()?.trim();
                    if last == "self" {
                        path.last()?.clone()
                    } else {
                        last.to_owned()
                    }
                }
            };
            (name != "*" && name != "_").then_some((name, path))
        })
        .collect()
}

/// Follows the braces of a line of code: the depth, and the inline modules (and test module)
/// they close.
fn count_braces(
    code: &str,
    depth: &mut usize,
    inline: &mut Vec<(String, usize)>,
    in_test: &mut Option<usize>,
) {
    for c in code.chars() {
        match c {
            '{' => *depth += 1,
            '}' => {
                *depth = depth.saturating_sub(1);
                if inline.last().is_some_and(|(_, at)| at == depth) {
                    inline.pop();
                    if *in_test == Some(*depth) {
                        *in_test = None;
                    }
                }
            }
            _ => {}
        }
    }
}

/// `line` without a `//` comment (one outside a string).
fn strip_comment(line: &str) -> String {
    let mut in_string = false;
    let mut previous = ' ';
    for (i, c) in line.char_indices() {
        if c == '"' && previous != '\\' {
            in_string = !in_string;
        }
        if c == '/' && previous == '/' && !in_string {
            return line[..i - 1].to_owned();
        }
        previous = c;
    }
    line.to_owned()
}

/// The paths of a use tree: `a::{b, c::d}` is `a::b` and `a::c::d`.
fn use_tree(tree: &str) -> Vec<Vec<String>> {
    let tree = tree.trim();
    let Some(open) = tree.find('{') else {
        let path = tree.split(" as ").next().unwrap_or(tree).trim();
        return vec![path
            .split("::")
            .map(|s| s.trim().to_owned())
            .filter(|s| !s.is_empty())
            .collect()];
    };
    let prefix: Vec<String> = tree[..open]
        .split("::")
        .map(|s| s.trim().to_owned())
        .filter(|s| !s.is_empty())
        .collect();
    let inner = &tree[open + 1..tree.rfind('}').unwrap_or(tree.len())];
    let mut parts = Vec::new();
    let (mut level, mut start) = (0, 0);
    for (i, c) in inner.char_indices() {
        match c {
            '{' => level += 1,
            '}' => level -= 1,
            ',' if level == 0 => {
                parts.push(&inner[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    parts.push(&inner[start..]);
    parts
        .into_iter()
        .filter(|part| !part.trim().is_empty())
        .flat_map(use_tree)
        .map(|rest| {
            let rest: Vec<String> = rest.into_iter().filter(|s| s != "self").collect();
            prefix.iter().cloned().chain(rest).collect()
        })
        .collect()
}

/// The `crate::`, `super::` and `self::` paths in a line of code.
fn inline_paths(code: &str) -> Vec<Vec<String>> {
    let mut paths = Vec::new();
    let bytes = code.as_bytes();
    for start in ["crate::", "super::", "self::"] {
        let mut from = 0;
        while let Some(at) = code[from..].find(start) {
            let at = from + at;
            from = at + start.len();
            let before = at.checked_sub(1).map(|i| bytes[i]);
            if before
                .is_some_and(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b':' || b == b'$')
            {
                continue;
            }
            let end = code[at..]
                .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_' || c == ':'))
                .map_or(code.len(), |n| at + n);
            let path: Vec<String> = code[at..end]
                .split("::")
                .filter(|s| !s.is_empty())
                .map(str::to_owned)
                .collect();
            paths.push(path);
        }
    }
    paths
}

/// `path`, written in the module `here`, from the crate root; `None` for a path outside the
/// crate.
fn absolute(here: &[String], path: &[String]) -> Option<Vec<String>> {
    let mut resolved: Vec<String> = match path.first().map(String::as_str) {
        Some("crate") => Vec::new(),
        Some("super" | "self") => here.to_vec(),
        _ => return None,
    };
    let mut rest = path;
    if rest.first().is_some_and(|s| s == "crate") {
        rest = &rest[1..];
    }
    while let Some(first) = rest.first() {
        match first.as_str() {
            "super" => {
                resolved.pop();
            }
            "self" => {}
            _ => break,
        }
        rest = &rest[1..];
    }
    resolved.extend(rest.iter().cloned());
    Some(resolved)
}

/// The cycles of `graph` (each as the modules on it), found by depth-first search from every
/// module in order.
pub fn cycles(graph: &BTreeMap<Vec<String>, BTreeSet<Vec<String>>>) -> Vec<Vec<Vec<String>>> {
    let mut cycles = Vec::new();
    for start in graph.keys() {
        let mut stack = vec![(start.clone(), vec![start.clone()])];
        let mut seen = BTreeSet::new();
        while let Some((node, path)) = stack.pop() {
            for next in graph.get(&node).into_iter().flatten() {
                if next == start {
                    cycles.push(path.clone());
                } else if next > start && seen.insert(next.clone()) {
                    let mut longer = path.clone();
                    longer.push(next.clone());
                    stack.push((next.clone(), longer));
                }
            }
        }
    }
    cycles
}

/// `graph` with each module replaced by its top-level module (`sync`, `check`, `Lock`'s
/// `lock`...), uses inside one left out.
pub fn top_level(
    graph: &BTreeMap<Vec<String>, BTreeSet<Vec<String>>>,
) -> BTreeMap<Vec<String>, BTreeSet<Vec<String>>> {
    let mut top: BTreeMap<Vec<String>, BTreeSet<Vec<String>>> = BTreeMap::new();
    for (module, targets) in graph {
        let from = module[..1].to_vec();
        let entry = top.entry(from.clone()).or_default();
        for target in targets {
            let to = target[..1].to_vec();
            if to != from {
                entry.insert(to);
            }
        }
    }
    top
}

#[cfg(test)]
mod tests {
    use super::*;

    fn crate_uses() -> BTreeMap<Vec<String>, BTreeSet<Vec<String>>> {
        let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("../src");
        uses(&modules(&src))
    }

    fn show(cycles: &[Vec<Vec<String>>]) -> String {
        cycles
            .iter()
            .map(|cycle| {
                let names: Vec<String> = cycle.iter().map(|m| m.join("::")).collect();
                format!("{} -> back", names.join(" -> "))
            })
            .collect::<Vec<_>>()
            .join("\n")
    }

    /// No file of the library reaches, through the files it uses, back to itself.
    #[test]
    fn no_file_uses_one_that_uses_it_back() {
        let cycles = cycles(&crate_uses());
        assert!(cycles.is_empty(), "import cycles:\n{}", show(&cycles));
    }

    /// Nor does a top-level module: primitives -> sync -> check's runtime <- check.
    #[test]
    fn the_top_level_modules_use_each_other_one_way() {
        let top = top_level(&crate_uses());
        let cycles = cycles(&top);
        assert!(cycles.is_empty(), "import cycles:\n{}", show(&cycles));
        let uses = |from: &str, to: &str| {
            top.get(&vec![from.to_owned()])
                .is_some_and(|targets| targets.contains(&vec![to.to_owned()]))
        };
        assert!(
            uses("sync", "check"),
            "the facade reports to the checker's runtime"
        );
        assert!(
            uses("lock", "sync"),
            "a primitive is written against the facade"
        );
        assert!(
            !uses("check", "sync"),
            "the checker does not use the facade"
        );
        // The checker's runtime uses nothing of the crate outside itself.
        for (module, targets) in crate_uses() {
            if module.starts_with(&["check".to_owned(), "runtime".to_owned()]) {
                for target in targets {
                    assert!(
                        target.starts_with(&["check".to_owned(), "runtime".to_owned()]),
                        "{} uses {} (the runtime takes what it needs as arguments)",
                        module.join("::"),
                        target.join("::")
                    );
                }
            }
        }
        // `linearizability` is above both the checker and the facade: it runs a scenario's
        // threads under a check. Nothing uses it.
        assert!(
            top.values()
                .all(|targets| !targets.contains(&vec!["linearizability".to_owned()])),
            "linearizability is used: it is the top layer"
        );
        // Only the runtime, of all the checker, is used from outside it (and from above).
        for (module, targets) in crate_uses() {
            for target in targets {
                if target.first().is_some_and(|t| t == "check")
                    && module[0] != "check"
                    && module[0] != "linearizability"
                {
                    assert!(
                        target.len() >= 2 && target[1] == "runtime" || target.len() == 1,
                        "{} uses {} (only check::runtime is for the facade)",
                        module.join("::"),
                        target.join("::")
                    );
                }
            }
        }
    }

    /// The reader finds what it must: a cycle it is given, the uses of a use tree, paths
    /// through `super` from inside an inline module.
    #[test]
    fn the_reader_finds_uses_and_cycles() {
        let mut modules = BTreeMap::new();
        let m = |s: &str| s.split("::").map(str::to_owned).collect::<Vec<_>>();
        modules.insert(m("a"), "use crate::b::{self, c::D};\n".to_owned());
        modules.insert(
            m("b"),
            "mod imp {\n    use super::super::a::X;\n}\n".to_owned(),
        );
        modules.insert(
            m("b::c"),
            "// use crate::a;\nfn f() { crate::d::g() }\n".to_owned(),
        );
        modules.insert(m("d"), String::new());
        modules.insert(
            m("e"),
            "#[cfg(test)]\nmod tests {\n    use crate::a::X;\n}\nfn h() { crate::d::g() }\n"
                .to_owned(),
        );
        let graph = uses(&modules);
        assert_eq!(
            graph[&m("e")],
            BTreeSet::from([m("d")]),
            "tests are left out"
        );
        assert_eq!(graph[&m("a")], BTreeSet::from([m("b"), m("b::c")]));
        assert_eq!(graph[&m("b")], BTreeSet::from([m("a")]));
        assert_eq!(graph[&m("b::c")], BTreeSet::from([m("d")]));
        assert_eq!(cycles(&graph), vec![vec![m("a"), m("b")]], "{graph:?}");
        assert_eq!(cycles(&top_level(&graph)).len(), 1);
    }
}
