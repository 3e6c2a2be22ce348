//! One thread that plays the clip into every load client at camera pace: each tick it pushes
//! the next access unit (and Opus packet) into each client's `appsrc`. Buffers are shared
//! copies of the clip in memory, so a client costs no encoding and no file reading.

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use super::media::Clip;

struct Target {
    id: u64,
    video: gst_app::AppSrc,
    audio: gst_app::AppSrc,
    next_video: usize,
    next_audio: usize,
}

pub struct Feeder {
    targets: Arc<Mutex<Vec<Target>>>,
    stop: Arc<AtomicBool>,
    next_id: AtomicU64,
    /// Ticks that ran more than a frame late (the feeder skipped ahead rather than burst).
    pub late_ticks: Arc<AtomicU64>,
    thread: Option<JoinHandle<()>>,
}

fn lock(targets: &Mutex<Vec<Target>>) -> MutexGuard<'_, Vec<Target>> {
    targets.lock().unwrap_or_else(|p| p.into_inner())
}

impl Feeder {
    pub fn start(clip: Arc<Clip>) -> Feeder {
        let targets: Arc<Mutex<Vec<Target>>> = Arc::default();
        let stop = Arc::new(AtomicBool::new(false));
        let late_ticks = Arc::new(AtomicU64::new(0));
        let thread = {
            let targets = targets.clone();
            let stop = stop.clone();
            let late_ticks = late_ticks.clone();
            std::thread::Builder::new()
                .name("bench-feeder".into())
                .spawn(move || run(&clip, &targets, &stop, &late_ticks))
                .ok()
        };
        Feeder {
            targets,
            stop,
            next_id: AtomicU64::new(1),
            late_ticks,
            thread,
        }
    }

    /// Starts sending into a client's sources, from the clip's first (key) frame.
    pub fn add(&self, video: gst_app::AppSrc, audio: gst_app::AppSrc) -> u64 {
        let id = self.next_id.fetch_add(1, Ordering::Relaxed);
        lock(&self.targets).push(Target {
            id,
            video,
            audio,
            next_video: 0,
            next_audio: 0,
        });
        id
    }

    pub fn remove(&self, id: u64) {
        lock(&self.targets).retain(|t| t.id != id);
    }
}

impl Drop for Feeder {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
        lock(&self.targets).clear();
    }
}

fn run(clip: &Clip, targets: &Mutex<Vec<Target>>, stop: &AtomicBool, late: &AtomicU64) {
    let video_every = clip.video.interval;
    let audio_every = clip.audio.interval;
    let start = Instant::now();
    let mut next_video = start;
    let mut next_audio = start;
    while !stop.load(Ordering::Relaxed) {
        let now = Instant::now();
        if now >= next_video {
            for t in lock(targets).iter_mut() {
                let au = &clip.video.buffers[t.next_video % clip.video.buffers.len()];
                t.next_video += 1;
                // A shallow copy: new metadata (the appsrc stamps it), same memory.
                let _ = t.video.push_buffer(au.copy());
            }
            next_video += video_every;
            if now.duration_since(next_video) > video_every {
                late.fetch_add(1, Ordering::Relaxed);
                next_video = now + video_every;
            }
        }
        if now >= next_audio {
            for t in lock(targets).iter_mut() {
                let packet = &clip.audio.buffers[t.next_audio % clip.audio.buffers.len()];
                t.next_audio += 1;
                let _ = t.audio.push_buffer(packet.copy());
            }
            next_audio += audio_every;
            if now.duration_since(next_audio) > audio_every {
                next_audio = now + audio_every;
            }
        }
        let wake = next_video.min(next_audio);
        let now = Instant::now();
        if wake > now {
            std::thread::sleep((wake - now).min(Duration::from_millis(50)));
        }
    }
}
