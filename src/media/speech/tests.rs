//! The detector against level sequences like those a room's microphones produce.

use super::*;

/// Levels every 100 ms, as the level element posts them.
const TICK: Duration = Duration::from_millis(100);
const VOICE: f64 = -20.0;
const QUIET: f64 = -70.0;

/// Feeds `seconds` of levels: `loud(member, t)` says who is voiced at each tick. Returns
/// when each active-speaker change happened (seconds from the start) and to whom.
fn play(
    detector: &mut SpeakerDetector,
    members: &[Uuid],
    seconds: f64,
    loud: impl Fn(usize, f64) -> bool,
) -> Vec<(f64, Uuid)> {
    let start = Instant::now();
    let mut changes = Vec::new();
    let ticks = (seconds / TICK.as_secs_f64()).round() as u32;
    for tick in 0..ticks {
        let t = f64::from(tick) * TICK.as_secs_f64();
        let now = start + TICK * tick;
        for (i, member) in members.iter().enumerate() {
            let level = if loud(i, t) { VOICE } else { QUIET };
            if let Some(active) = detector.level(*member, level, now).active {
                changes.push((t, active));
            }
        }
    }
    changes
}

fn members(n: usize) -> Vec<Uuid> {
    (0..n).map(|_| Uuid::new_v4()).collect()
}

#[test]
fn a_clear_speaker_takes_over_after_about_a_second() {
    let m = members(3);
    let mut detector = SpeakerDetector::default();
    // Member 1 talks from 0.5 s on.
    let changes = play(&mut detector, &m, 4.0, |i, t| i == 1 && t >= 0.5);
    assert_eq!(changes.len(), 1, "{changes:?}");
    let (at, who) = changes[0];
    assert_eq!(who, m[1]);
    assert!((1.2..=1.8).contains(&at), "took over at {at} s");
}

#[test]
fn the_next_speaker_takes_over_once_the_first_is_quiet() {
    let m = members(2);
    let mut detector = SpeakerDetector::default();
    let changes = play(&mut detector, &m, 8.0, |i, t| {
        (i == 0 && t < 3.0) || (i == 1 && t >= 3.5)
    });
    let who: Vec<Uuid> = changes.iter().map(|(_, w)| *w).collect();
    assert_eq!(who, vec![m[0], m[1]], "{changes:?}");
    assert!((4.2..=4.8).contains(&changes[1].0), "{changes:?}");
}

#[test]
fn a_cough_does_not_take_over() {
    let m = members(2);
    let mut detector = SpeakerDetector::default();
    // Member 0 talks throughout; member 1 coughs for 0.3 s now and then.
    let changes = play(&mut detector, &m, 10.0, |i, t| {
        i == 0 || (i == 1 && (t % 3.0) < 0.3)
    });
    let who: Vec<Uuid> = changes.iter().map(|(_, w)| *w).collect();
    assert_eq!(who, vec![m[0]], "{changes:?}");
}

#[test]
fn two_people_alternating_every_half_second_cause_no_switch() {
    let m = members(2);
    let mut detector = SpeakerDetector::default();
    let changes = play(&mut detector, &m, 12.0, |i, t| {
        let turn = ((t / 0.5).floor() as usize) % 2;
        turn == i
    });
    assert!(changes.is_empty(), "switched: {changes:?}");
}

#[test]
fn the_active_speaker_never_changes_twice_within_the_hold() {
    let m = members(3);
    let mut detector = SpeakerDetector::default();
    // Everyone talks in overlapping 1.2 s turns, the worst case for flicker.
    let changes = play(&mut detector, &m, 20.0, |i, t| {
        let turn = ((t / 1.2).floor() as usize) % 3;
        turn == i || (t % 1.2) < 0.2
    });
    assert!(changes.len() >= 2, "nobody took over: {changes:?}");
    for pair in changes.windows(2) {
        assert!(
            pair[1].0 - pair[0].0 >= HOLD.as_secs_f64() - 1e-9,
            "changed twice within the hold: {changes:?}"
        );
    }
}

#[test]
fn speaking_follows_words_and_survives_the_gaps_between_them() {
    let m = members(2);
    let mut detector = SpeakerDetector::default();
    let start = Instant::now();
    let change = detector.level(m[0], VOICE, start);
    assert_eq!(change.speaking, Some(vec![m[0]]));
    // A 200 ms gap between words keeps it speaking.
    let change = detector.level(m[0], QUIET, start + Duration::from_millis(200));
    assert_eq!(change.speaking, None);
    assert_eq!(detector.speaking(), &[m[0]]);
    // After the hangover it stops.
    let change = detector.level(m[0], QUIET, start + Duration::from_millis(600));
    assert_eq!(change.speaking, Some(vec![]));
}

#[test]
fn a_member_who_leaves_is_no_longer_speaking_or_active() {
    let m = members(2);
    let mut detector = SpeakerDetector::default();
    let _ = play(&mut detector, &m, 2.0, |i, _| i == 0);
    assert_eq!(detector.active(), Some(m[0]));
    let change = detector.remove(m[0]);
    assert_eq!(detector.active(), None);
    assert_eq!(change.speaking, Some(vec![]));
}
