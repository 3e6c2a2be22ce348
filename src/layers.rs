//! The order of the server's layers, lowest first: a module may use only modules below it (or
//! beside it, in the same layer). A test reads every `crate::` path in `src/` against it, so a
//! new import that runs back up fails the suite.
//!
//! Another test holds every file to 600 lines: past that a file does more than one job and the
//! next change to it is hard to review. (Functions are held to 80 lines by clippy's
//! `too_many_lines`, set in `clippy.toml`.)

/// Most lines a file in `src/` may have.
const MAX_FILE_LINES: usize = 600;

/// Layers, lowest first. A file belongs to the first entry whose prefix its path (below `src/`)
/// starts with.
const LAYERS: [&[&str]; 11] = [
    &["domain/"],
    &["config.rs", "cli.rs", "telemetry.rs"],
    &["db/"],
    // Stored rooms and stream keys (the directory of rooms), below accounts and admission.
    &["directory/"],
    &["auth/"],
    &["media/"],
    &["recording/", "broadcast/"],
    &["rooms/"],
    &["signalling/"],
    &["http/", "admin_cli.rs"],
    &["startup.rs", "main.rs", "lib.rs", "layers.rs"],
];

mod tests {
    use super::*;
    use std::path::Path;

    /// The layer of a file, as a path below `src/`.
    fn layer_of(path: &str) -> Option<usize> {
        LAYERS
            .iter()
            .position(|prefixes| prefixes.iter().any(|p| path.starts_with(p)))
    }

    /// The layer of the module a `crate::a::b::…` path names.
    fn layer_of_module(segments: &[&str]) -> Option<usize> {
        let key = (*segments.first()?).to_owned();
        LAYERS.iter().position(|prefixes| {
            prefixes.iter().any(|p| {
                key.starts_with(p) || p.trim_end_matches('/').trim_end_matches(".rs") == key
            })
        })
    }

    /// Every `crate::` path in `text` (in `use` lines and inline), split into segments.
    fn crate_paths(text: &str) -> Vec<Vec<&str>> {
        let mut paths = Vec::new();
        for line in text.lines() {
            let line = line.trim_start();
            if line.starts_with("//") {
                continue;
            }
            for (start, _) in line.match_indices("crate::") {
                let rest = &line[start + "crate::".len()..];
                let segments: Vec<&str> = rest
                    .split("::")
                    .map(|s| {
                        let end = s
                            .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
                            .unwrap_or(s.len());
                        &s[..end]
                    })
                    .take_while(|s| !s.is_empty())
                    .collect();
                if !segments.is_empty() {
                    paths.push(segments);
                }
            }
        }
        paths
    }

    fn rust_files(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
        let Ok(entries) = std::fs::read_dir(dir) else {
            return;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            if path.is_dir() {
                rust_files(&path, out);
            } else if path.extension().is_some_and(|e| e == "rs") {
                out.push(path);
            }
        }
    }

    #[test]
    fn no_module_uses_one_above_it() {
        let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
        let mut files = Vec::new();
        rust_files(&src, &mut files);
        let mut upward: Vec<(String, String)> = Vec::new();
        for file in &files {
            let relative = file
                .strip_prefix(&src)
                .map(|p| p.to_string_lossy().into_owned())
                .unwrap_or_default();
            let Some(own) = layer_of(&relative) else {
                panic!("{relative} is in no layer: add it to LAYERS");
            };
            let text = std::fs::read_to_string(file).unwrap_or_default();
            for segments in crate_paths(&text) {
                match layer_of_module(&segments) {
                    Some(layer) if layer > own => {
                        upward.push((relative.clone(), segments[0].to_owned()));
                    }
                    _ => {}
                }
            }
        }
        upward.sort();
        upward.dedup();
        assert!(
            upward.is_empty(),
            "imports that run back up the layers (file, module it uses): {upward:#?}"
        );
    }

    #[test]
    fn no_source_file_is_over_the_line_limit() {
        let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
        let mut files = Vec::new();
        rust_files(&src, &mut files);
        assert!(
            files.len() > 50,
            "the walk found only {} files",
            files.len()
        );
        let mut over: Vec<(String, usize)> = files
            .iter()
            .map(|f| {
                let lines = std::fs::read_to_string(f).map_or(0, |t| t.lines().count());
                (f.display().to_string(), lines)
            })
            .filter(|(_, lines)| *lines > MAX_FILE_LINES)
            .collect();
        over.sort();
        assert!(
            over.is_empty(),
            "files over {MAX_FILE_LINES} lines; split them by job: {over:#?}"
        );
    }

    #[test]
    fn paths_are_read_from_use_lines_and_inline() {
        let text = "use crate::domain::role::Role;\n\
                    // crate::http is only mentioned here\n\
                    let x = crate::signalling::protocol::ServerMessage::Left;";
        let paths = crate_paths(text);
        assert_eq!(
            paths,
            vec![
                vec!["domain", "role", "Role"],
                vec!["signalling", "protocol", "ServerMessage", "Left"]
            ]
        );
        assert_eq!(layer_of_module(&paths[0]), Some(0));
        assert_eq!(layer_of_module(&["directory", "stream_keys"]), Some(3));
        assert_eq!(layer_of_module(&["rooms", "manager"]), Some(7));
        assert_eq!(layer_of_module(&["rooms"]), Some(7));
        assert_eq!(layer_of_module(&["auth"]), Some(4));
        assert_eq!(layer_of_module(&["http", "app_state", "AppState"]), Some(9));
        assert_eq!(layer_of("directory/stream_keys.rs"), Some(3));
        assert_eq!(layer_of("media/sender_caps/tests.rs"), Some(5));
    }
}
