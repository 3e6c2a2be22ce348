// hls.js ships no declarations for its `./light` entry; it has the same API as the full build.
declare module 'hls.js/light' {
  export { default } from 'hls.js';
  export * from 'hls.js';
}
