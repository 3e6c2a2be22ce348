//! The layout files and where they put people.

use uuid::Uuid;

use super::*;
use crate::media::layout::{self, Rect, Size};

const HD: Size = Size {
    width: 1280,
    height: 720,
};

fn cameras(n: usize) -> Vec<Camera> {
    (0..n)
        .map(|_| Camera {
            id: Uuid::new_v4(),
            presenter: false,
            share: false,
        })
        .collect()
}

fn placed(name: &str, cast: &Cast) -> Placement {
    let layouts = Layouts::built_in();
    let spec = layouts.resolve(&Layout::parse(name).expect("a name"), cast);
    place::place(spec, cast, HD)
}

fn cast<'a>(cameras: &'a [Camera], speaker: Option<Uuid>, recent: &'a [Uuid]) -> Cast<'a> {
    Cast {
        cameras,
        speaker,
        recent,
    }
}

#[test]
fn the_five_built_in_layouts_load() {
    let names: Vec<String> = Layouts::built_in()
        .list()
        .into_iter()
        .map(|l| l.name)
        .collect();
    assert_eq!(names, ["grid", "pip", "presenter", "single", "speaker"]);
    for (name, text) in BUILT_IN {
        parse(name, text).unwrap_or_else(|e| panic!("{name}: {e}"));
    }
}

#[test]
fn the_grid_layout_is_the_grid_for_every_count() {
    for n in [1, 2, 4, 9, 16, 25] {
        let members = cameras(n);
        let p = placed("grid", &cast(&members, None, &[]));
        let rects: Vec<Rect> = p.tiles.iter().map(|t| t.1).collect();
        assert_eq!(rects, layout::grid(n, HD), "{n} members");
        assert_eq!(p.more, None);
    }
}

#[test]
fn the_presenter_layout_matches_presenters_above_a_strip_and_falls_back_to_the_grid() {
    let mut members = cameras(4);
    let p = placed("presenter", &cast(&members, None, &[]));
    let rects: Vec<Rect> = p.tiles.iter().map(|t| t.1).collect();
    assert_eq!(rects, layout::grid(4, HD), "nobody presents: the grid");
    members[2].presenter = true;
    let p = placed("presenter", &cast(&members, None, &[]));
    let expected = layout::presenter(1, 3, HD);
    assert_eq!(p.rect_of(members[2].id), Some(expected[0]));
    let strip: Vec<Rect> = [0, 1, 3]
        .iter()
        .map(|i| p.rect_of(members[*i].id).expect("shown"))
        .collect();
    assert_eq!(strip, expected[1..]);
}

#[test]
fn the_speaker_layout_shows_the_active_speaker_large() {
    let members = cameras(4);
    let p = placed("speaker", &cast(&members, Some(members[2].id), &[]));
    let large = p.rect_of(members[2].id).expect("speaker shown");
    assert_eq!(
        large,
        Rect {
            x: 128,
            y: 0,
            width: 1024,
            height: 576
        }
    );
    for i in [0, 1, 3] {
        let small = p.rect_of(members[i].id).expect("in the strip");
        assert!(small.y >= 576 && small.height <= 144, "{small:?}");
    }
    // Before anyone speaks, the first member is large.
    let p = placed("speaker", &cast(&members, None, &[]));
    assert_eq!(p.rect_of(members[0].id), Some(large));
}

#[test]
fn a_share_takes_the_stage_of_every_layout_that_names_it() {
    let mut members = cameras(3);
    members[1].share = true;
    for name in ["speaker", "presenter", "pip", "single"] {
        let p = placed(name, &cast(&members, Some(members[2].id), &[]));
        let share = p.rect_of(members[1].id).expect("share shown");
        assert!(share.width >= 1024, "{name}: {share:?}");
    }
}

#[test]
fn pip_insets_the_active_speaker_above_the_full_frame() {
    let mut members = cameras(3);
    members[0].presenter = true;
    let p = placed("pip", &cast(&members, Some(members[2].id), &[]));
    let (_, full, z_full) = p.tiles[0];
    assert_eq!((full.width, full.height), (1280, 720));
    let (id, inset, z_inset) = p.tiles[1];
    assert_eq!(id, members[2].id);
    assert!(
        inset.x > 900 && inset.y > 500 && inset.width <= 320,
        "{inset:?}"
    );
    assert!(z_inset > z_full, "the inset is drawn above");
    assert_eq!(p.tiles.len(), 2, "pip shows two");
}

#[test]
fn single_shows_one() {
    let members = cameras(5);
    let p = placed("single", &cast(&members, Some(members[3].id), &[]));
    assert_eq!(p.tiles.len(), 1);
    assert_eq!(p.tiles[0].0, members[3].id);
}

#[test]
fn a_full_strip_shows_the_recent_speakers_and_counts_the_rest() {
    let members = cameras(12);
    // Speaker layout: 1 large + a strip of 8 (7 members and "+N").
    let recent = [members[11].id, members[10].id];
    let p = placed("speaker", &cast(&members, Some(members[0].id), &recent));
    assert_eq!(p.tiles.len(), 8, "1 large + 7 in the strip");
    let shown: Vec<Uuid> = p.tiles.iter().map(|t| t.0).collect();
    assert!(shown.contains(&members[11].id) && shown.contains(&members[10].id));
    let (_, hidden, _) = p.more.expect("a +N tile");
    assert_eq!(hidden, 12 - 8);
    // Strip tiles keep join order.
    let strip: Vec<Uuid> = shown[1..].to_vec();
    let mut sorted = strip.clone();
    sorted.sort_by_key(|id| members.iter().position(|m| m.id == *id));
    assert_eq!(strip, sorted);
}

#[test]
fn bad_layout_files_are_refused_with_their_reason() {
    let region = |area: &str, tiles: u32| {
        format!("[[region]]\nshows = [\"rest\"]\narea = {area}\ntiles = {tiles}\n")
    };
    for (text, words) in [
        (String::new(), "region"),
        (region("[0.5, 0.5, 0.6, 0.5]", 4), "inside"),
        (region("[0.0, 0.0, 1.0, 1.0]", 0), "tiles"),
        (region("[0.0, 0.0, 1.0, 1.0]", 26), "tiles"),
        (
            "[[region]]\nshows = [\"everyone\"]\narea = [0.0, 0.0, 1.0, 1.0]\ntiles = 1\n".into(),
            "unknown variant",
        ),
    ] {
        let err = parse("x", &text).expect_err(&text);
        assert!(err.contains(words), "{text}: {err}");
    }
}

#[test]
fn an_operator_folder_adds_layouts_and_checks_fallbacks() {
    let dir = std::env::temp_dir().join(format!("layouts-{}", Uuid::new_v4()));
    std::fs::create_dir_all(&dir).expect("folder");
    let two_up = "description = \"Two side by side\"\nfallback = \"grid\"\n[[region]]\nshows = [\"presenters\"]\narea = [0.0, 0.25, 1.0, 0.5]\narrange = \"row\"\ntiles = 2\n";
    std::fs::write(dir.join("two_up.toml"), two_up).expect("written");
    let layouts = Layouts::load(Some(&dir)).expect("loads");
    assert!(layouts.contains(&Layout::parse("two_up").expect("name")));
    assert!(
        layouts
            .list()
            .iter()
            .any(|l| l.name == "two_up" && !l.built_in)
    );
    std::fs::write(dir.join("loop.toml"), two_up.replace("grid", "two_up")).expect("written");
    let err = Layouts::load(Some(&dir)).expect_err("a fallback with a fallback");
    assert!(err.to_string().contains("fallback"), "{err}");
    std::fs::remove_dir_all(&dir).expect("removed");
}
