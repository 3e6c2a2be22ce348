export interface LocalMediaOptions {
  originalSound: boolean;
  /** A deviceId from enumerateDevices, or undefined for the browser's choice. */
  cameraId?: string;
  microphoneId?: string;
}

// A steady tone or music is what "original sound" is for, and the browser's
// echo cancellation and noise suppression would treat it as noise.
const ORIGINAL_SOUND: MediaTrackConstraints = {
  echoCancellation: false,
  noiseSuppression: false,
  autoGainControl: false,
};

export function mediaConstraints({ originalSound, cameraId, microphoneId }: LocalMediaOptions): MediaStreamConstraints {
  // `exact` so that a chosen device that went away fails loudly instead of
  // silently falling back to another one.
  const camera = cameraId ? { deviceId: { exact: cameraId } } : {};
  const microphone = microphoneId ? { deviceId: { exact: microphoneId } } : {};
  return {
    video: { width: 640, height: 360, frameRate: 30, ...camera },
    audio: { ...(originalSound ? ORIGINAL_SOUND : {}), ...microphone },
  };
}

/** Why this page cannot use a camera at all, or null when it can ask. */
export function mediaUnavailableReason(): string | null {
  if (!window.isSecureContext) {
    return 'This page was not opened over https://, so the browser will not let it use a camera or microphone. Open it with an https:// address (or on localhost). You can still watch without a camera.';
  }
  if (!navigator.mediaDevices?.getUserMedia) {
    return 'This browser does not offer camera or microphone access to web pages. Try a current Chrome, Firefox, Edge or Safari. You can still watch without a camera.';
  }
  return null;
}

export interface DeviceLists {
  cameras: MediaDeviceInfo[];
  microphones: MediaDeviceInfo[];
}

/** Cameras and microphones; their labels are empty until the user has granted access once. */
export async function listDevices(): Promise<DeviceLists> {
  const all = (await navigator.mediaDevices?.enumerateDevices?.()) ?? [];
  return {
    cameras: all.filter((d) => d.kind === 'videoinput'),
    microphones: all.filter((d) => d.kind === 'audioinput'),
  };
}

export async function openLocalMedia(options: LocalMediaOptions): Promise<MediaStream> {
  // navigator.mediaDevices is missing altogether outside a secure context.
  if (!navigator.mediaDevices?.getUserMedia) {
    throw new DOMException('mediaDevices unavailable', 'SecurityError');
  }
  const constraints = mediaConstraints(options);
  try {
    return await navigator.mediaDevices.getUserMedia(constraints);
  } catch (err) {
    // No camera (or a busy one): join with the microphone alone; the room shows a placeholder.
    const name = err instanceof Error || err instanceof DOMException ? err.name : '';
    if (!['NotFoundError', 'NotReadableError', 'OverconstrainedError'].includes(name)) throw err;
    return navigator.mediaDevices.getUserMedia({ audio: constraints.audio }).catch(() => Promise.reject(err));
  }
}

/** Turns a getUserMedia failure into a sentence a user can act on. */
export function describeMediaError(err: unknown): string {
  const name = err instanceof Error || err instanceof DOMException ? err.name : '';
  switch (name) {
    case 'NotAllowedError':
      return 'Camera or microphone access was denied. Allow it in the browser (the icon next to the address) and try again.';
    case 'SecurityError':
      return 'Camera or microphone access needs a secure page: open this site over https:// or on localhost.';
    case 'NotFoundError':
    case 'OverconstrainedError':
      return 'No camera or microphone was found.';
    case 'NotReadableError':
    case 'AbortError':
      return 'The camera or microphone could not be started; another application may be using it.';
    default:
      return `Could not open the camera or microphone${err instanceof Error && err.message ? `: ${err.message}` : '.'}`;
  }
}

export function stopTracks(stream: MediaStream | null): void {
  stream?.getTracks().forEach((t) => t.stop());
}
