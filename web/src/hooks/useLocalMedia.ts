import { useCallback, useEffect, useState } from 'react';
import { describeMediaError, listDevices, openLocalMedia, stopTracks, type DeviceLists, type LocalMediaOptions } from '../lib/media';

export interface LocalMedia {
  stream: MediaStream | null;
  /** Opening the devices is under way (the first time, or after a change of device). */
  opening: boolean;
  /** Why the camera or microphone could not be opened, in plain words. */
  error: string | null;
  devices: DeviceLists;
  /** Asks again, say after the user allowed access in the browser. */
  retry: () => void;
}

/**
 * Opens the camera and microphone while `enabled`, and opens them again when
 * the chosen devices or the sound setting change. The stream outlives the
 * pre-join page: the room sends this same stream, and it stops when the
 * caller unmounts or disables it.
 */
export function useLocalMedia(enabled: boolean, options: LocalMediaOptions): LocalMedia {
  const [stream, setStream] = useState<MediaStream | null>(null);
  const [opening, setOpening] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [devices, setDevices] = useState<DeviceLists>({ cameras: [], microphones: [] });
  const [attempt, setAttempt] = useState(0);
  const { originalSound, cameraId, microphoneId } = options;

  useEffect(() => {
    if (!enabled) return;
    let current = true;
    let opened: MediaStream | null = null;
    setOpening(true);
    setError(null);
    openLocalMedia({ originalSound, cameraId, microphoneId }).then(
      (s) => {
        if (!current) {
          stopTracks(s);
          return;
        }
        opened = s;
        setStream(s);
        setOpening(false);
        // Labels are only filled in once access has been granted.
        listDevices().then((d) => current && setDevices(d), () => {});
      },
      (err: unknown) => {
        if (!current) return;
        setStream(null);
        setError(describeMediaError(err));
        setOpening(false);
      },
    );
    return () => {
      current = false;
      stopTracks(opened);
      setStream(null);
    };
  }, [enabled, originalSound, cameraId, microphoneId, attempt]);

  // A headset plugged in shows up in the lists without a reload.
  useEffect(() => {
    const media = navigator.mediaDevices;
    if (!enabled || !media?.addEventListener) return;
    const refresh = () => listDevices().then(setDevices, () => {});
    media.addEventListener('devicechange', refresh);
    return () => media.removeEventListener('devicechange', refresh);
  }, [enabled]);

  const retry = useCallback(() => setAttempt((n) => n + 1), []);
  return { stream, opening, error, devices, retry };
}
