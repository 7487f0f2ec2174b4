// walt playground: plain JavaScript, no build step, no external resources.
// Talks to the public API (/v1/videos) with the API key kept in this tab's sessionStorage.
'use strict';

(() => {
  const KEY_STORAGE = 'walt.apiKey';
  const ACTIVE = new Set(['queued', 'in_progress']);
  const TERMINAL = new Set(['completed', 'failed', 'cancelled', 'expired']);
  const STATUS_LABEL = {
    idle: 'Idle', submitting: 'Submitting', queued: 'Queued', in_progress: 'Generating', completed: 'Completed',
    failed: 'Failed', cancelled: 'Cancelled', expired: 'Expired', deleted: 'Deleted'
  };
  // API field name -> the form control that shows its errors
  const FIELDS = {
    prompt: 'prompt', negative_prompt: 'negative_prompt', image: 'image', seed: 'seed', steps: 'steps',
    guidance_scale: 'guidance_scale', frames: 'frames'
  };
  const FIELD_LABEL = {
    prompt: 'Prompt', negative_prompt: 'Negative prompt', image: 'Image', seed: 'Seed', steps: 'Steps',
    guidance_scale: 'Guidance', frames: 'Frames', 'api-key': 'API key'
  };
  const HISTORY_PAGE = 12;

  // The API lives next to /playground/ (works behind a servlet context path too).
  const API_ROOT = new URL('../', document.baseURI);
  const apiUrl = (path) => new URL(path, API_ROOT).toString();

  const $ = (id) => document.getElementById(id);
  const el = {
    keyForm: $('key-form'), key: $('api-key'), toggleKey: $('toggle-key'), forgetKey: $('forget-key'),
    keyState: $('key-state'), devKeyHint: $('dev-key-hint'), devKeyPath: $('dev-key-path'),
    form: $('create-form'), formAlert: $('form-alert'), prompt: $('prompt'), promptCount: $('prompt-count'),
    promptMax: $('prompt-max'), submit: $('submit'), advanced: $('advanced'),
    seed: $('seed'), steps: $('steps'), guidance: $('guidance_scale'), frames: $('frames'), negative: $('negative_prompt'),
    image: $('image'), dropzone: $('dropzone'), dropEmpty: $('dropzone-empty'), imagePreview: $('image-preview'),
    imageThumb: $('image-thumb'), imageName: $('image-name'), imageRemove: $('image-remove'), imageMax: $('image-max'),
    result: $('result'), badge: $('job-status'), statusLine: $('status-line'), stage: $('stage'),
    placeholder: $('placeholder'), previewVideo: $('preview-video'), previewBar: $('preview-bar'),
    previewToggle: $('preview-toggle'), video: $('video'),
    progressWrap: $('progress-wrap'), progress: $('progress'), progressText: $('progress-text'), progressLabel: $('progress-label'),
    facts: $('facts'), factSeed: $('fact-seed'), factDuration: $('fact-duration'), factSize: $('fact-size'), factSteps: $('fact-steps'),
    promptEcho: $('prompt-echo'), cancel: $('cancel'), downloadVideo: $('download-video'), downloadThumb: $('download-thumb'),
    sameAgain: $('same-again'), newSeed: $('new-seed'),
    historyList: $('history-list'), historyEmpty: $('history-empty'), loadMore: $('load-more'), historyRefresh: $('history-refresh')
  };

  const state = {
    key: sessionStorage.getItem(KEY_STORAGE) || '',
    limits: null,
    imageFile: null,
    imageUrl: null,
    current: null,          // the video object shown in the result panel
    follow: null,           // AbortController of the current event stream
    followId: null,
    queuePoll: null,
    previewPending: null,   // the next live preview, loading off screen
    previewPaused: matchMedia('(prefers-reduced-motion: reduce)').matches,
    cursor: null,
    images: new Map(),      // job id -> the image File submitted with it (for "same again")
    lastAnnounced: ''
  };

  // ---------------------------------------------------------------- API

  class ApiError extends Error {
    constructor(status, problem, retryAfter) {
      const detail = problem && (problem.detail || problem.title);
      super(detail || (status ? `The service answered HTTP ${status}.` : 'The service cannot be reached.'));
      this.status = status;
      this.problem = problem || {};
      this.retryAfter = retryAfter;
    }
  }

  async function api(path, options = {}) {
    if (!state.key) {
      throw new ApiError(401, { detail: 'Enter your API key first.' });
    }
    const headers = new Headers(options.headers || {});
    headers.set('Authorization', `Bearer ${state.key}`);
    if (!headers.has('Accept')) headers.set('Accept', 'application/json, application/problem+json');
    let response;
    try {
      response = await fetch(apiUrl(path), { ...options, headers, cache: 'no-store', credentials: 'omit' });
    } catch (e) {
      if (e.name === 'AbortError') throw e;
      throw new ApiError(0, null);
    }
    if (!response.ok) {
      let problem = null;
      const type = response.headers.get('Content-Type') || '';
      if (type.includes('json')) {
        try { problem = await response.json(); } catch (ignored) { problem = null; }
      }
      throw new ApiError(response.status, problem, response.headers.get('Retry-After'));
    }
    return response;
  }

  function idempotencyKey() {
    if (window.crypto && crypto.randomUUID) return crypto.randomUUID();
    const bytes = crypto.getRandomValues(new Uint8Array(16));
    return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
  }

  // ---------------------------------------------------------------- settings and limits

  async function loadConfig() {
    try {
      const response = await fetch(new URL('config', document.baseURI), { headers: { Accept: 'application/json' } });
      if (!response.ok) return;
      const config = await response.json();
      state.limits = config.limits;
      applyLimits(config.limits);
      if (config.dev_key_file) {
        el.devKeyPath.textContent = config.dev_key_file;
        el.devKeyHint.hidden = false;
      }
    } catch (ignored) {
      // the form still works with the API's own validation
    }
  }

  function range(input, hint, r, format = String) {
    if (!r) return;
    input.min = r.min;
    input.max = r.max;
    input.placeholder = format(r.default);
    hint.textContent = `${format(r.min)}–${format(r.max)} · default ${format(r.default)}`;
  }

  function applyLimits(limits) {
    if (!limits) return;
    el.prompt.maxLength = limits.prompt_max_chars;
    el.promptMax.textContent = limits.prompt_max_chars;
    el.negative.maxLength = limits.prompt_max_chars;
    range(el.steps, $('steps-hint'), limits.steps);
    range(el.guidance, $('guidance_scale-hint'), limits.guidance_scale);
    range(el.frames, $('frames-hint'), limits.frames);
    updateFramesHint();
    if (limits.seed) {
      el.seed.min = limits.seed.min;
      el.seed.max = limits.seed.max;
      $('seed-hint').textContent = `${limits.seed.min}–${limits.seed.max} · empty for a random seed`;
    }
    if (limits.image_max_bytes) {
      el.imageMax.textContent = `, up to ${formatBytes(limits.image_max_bytes)}`;
    }
  }

  function updateFramesHint() {
    const l = state.limits;
    if (!l || !l.frames) return;
    const frames = Number(el.frames.value || l.frames.default);
    const fps = l.fps ? l.fps.default : 8;
    const seconds = Number.isFinite(frames) && fps ? ` · ≈ ${(frames / fps).toFixed(1)} s at ${fps} fps` : '';
    $('frames-hint').textContent = `${l.frames.min}–${l.frames.max} · default ${l.frames.default}${seconds}`;
  }

  // ---------------------------------------------------------------- API key

  function setKeyState(text, bad) {
    el.keyState.textContent = text;
    el.keyState.classList.toggle('bad', !!bad);
  }

  async function useKey(key) {
    clearFieldError('api-key');
    state.key = key;
    if (!key) {
      sessionStorage.removeItem(KEY_STORAGE);
      setFieldError('api-key', 'Enter your API key.');
      el.key.focus();
      return false;
    }
    sessionStorage.setItem(KEY_STORAGE, key);
    el.forgetKey.hidden = false;
    try {
      await loadHistory(true);
      setKeyState('Key accepted for this tab');
      return true;
    } catch (e) {
      handleKeyError(e);
      return false;
    }
  }

  function handleKeyError(e) {
    if (e.status === 401) {
      // a refused key is not kept: the next request asks for a key instead of failing again
      sessionStorage.removeItem(KEY_STORAGE);
      state.key = '';
      stopFollowing();
      setKeyState('');
      setFieldError('api-key', e.message);
      el.key.focus();
    } else {
      setKeyState('Could not check the key', true);
      showAlert(e.message);
    }
  }

  el.keyForm.addEventListener('submit', (event) => {
    event.preventDefault();
    useKey(el.key.value.trim());
  });
  el.toggleKey.addEventListener('click', () => {
    const show = el.key.type === 'password';
    el.key.type = show ? 'text' : 'password';
    el.toggleKey.textContent = show ? 'Hide' : 'Show';
    el.toggleKey.setAttribute('aria-pressed', String(show));
  });
  el.forgetKey.addEventListener('click', () => {
    sessionStorage.removeItem(KEY_STORAGE);
    state.key = '';
    el.key.value = '';
    el.forgetKey.hidden = true;
    setKeyState('Key forgotten');
    stopFollowing();
    el.historyList.replaceChildren();
    el.loadMore.hidden = true;
    el.historyEmpty.textContent = 'Enter your API key to see your recent videos.';
    el.historyEmpty.hidden = false;
    el.key.focus();
  });

  // ---------------------------------------------------------------- errors

  function setFieldError(field, message) {
    const input = $(field);
    const slot = $(`${field}-error`);
    if (slot) slot.textContent = message;
    if (input) input.setAttribute('aria-invalid', 'true');
  }

  function clearFieldError(field) {
    const input = $(field);
    const slot = $(`${field}-error`);
    if (slot) slot.textContent = '';
    if (input) input.removeAttribute('aria-invalid');
  }

  function clearErrors() {
    Object.values(FIELDS).forEach(clearFieldError);
    el.formAlert.hidden = true;
    el.formAlert.textContent = '';
  }

  function showAlert(message) {
    el.formAlert.textContent = message;
    el.formAlert.hidden = false;
  }

  function sentenceEnd(text) {
    return /[.!?]$/.test(text) ? text : `${text}.`;
  }

  function sentence(field, message) {
    const label = FIELD_LABEL[field] || field;
    const text = `${label} ${message}`.trim();
    return /[.!?]$/.test(text) ? text : `${text}.`;
  }

  /** Shows a problem next to the fields it names, or else in the general alert. */
  function showProblem(error) {
    if (error.name === 'AbortError') return;
    if (error.status === 401) {
      handleKeyError(error);
      return;
    }
    const fieldErrors = Array.isArray(error.problem.errors) ? error.problem.errors : [];
    const unplaced = [];
    let first = null;
    for (const fe of fieldErrors) {
      const field = FIELDS[fe.field];
      if (field) {
        setFieldError(field, sentence(fe.field, fe.message || 'is invalid'));
        first = first || field;
      } else {
        unplaced.push(`${fe.field}: ${fe.message}`);
      }
    }
    // problems about the input image (image-too-large, image-corrupt, ...) have no errors[] but one field
    const slug = typeof error.problem.type === 'string' ? error.problem.type.replace(/^.*\//, '') : '';
    if (fieldErrors.length === 0 && (slug.startsWith('image-') || slug === 'invalid-image')) {
      setFieldError('image', capitalise(sentenceEnd(error.message)));
      first = 'image';
    } else if (fieldErrors.length === 0) {
      let message = error.message;
      if (error.status === 429 && error.retryAfter) message += ` (try again in ${error.retryAfter} s)`;
      showAlert(message);
    } else if (unplaced.length) {
      showAlert(unplaced.join('; '));
    }
    if (first) {
      const input = $(first);
      if (el.advanced.contains(input)) el.advanced.open = true;
      input.focus();
    } else if (!el.formAlert.hidden) {
      el.formAlert.scrollIntoView({ block: 'nearest' });
    }
  }

  // ---------------------------------------------------------------- prompt and image

  el.prompt.addEventListener('input', () => {
    el.promptCount.textContent = el.prompt.value.length;
    clearFieldError('prompt');
  });
  for (const input of [el.seed, el.steps, el.guidance, el.frames, el.negative]) {
    input.addEventListener('input', () => clearFieldError(input.id));
  }
  el.frames.addEventListener('input', updateFramesHint);

  function setImage(file) {
    clearFieldError('image');
    if (state.imageUrl) URL.revokeObjectURL(state.imageUrl);
    state.imageFile = null;
    state.imageUrl = null;
    if (!file) {
      el.image.value = '';
      el.imagePreview.hidden = true;
      el.dropEmpty.hidden = false;
      return;
    }
    if (!/^image\/(png|jpeg|webp)$/.test(file.type)) {
      setFieldError('image', 'Image must be a PNG, JPEG or WebP file.');
      el.image.value = '';
      return;
    }
    const max = state.limits && state.limits.image_max_bytes;
    if (max && file.size > max) {
      setFieldError('image', `Image is ${formatBytes(file.size)}; at most ${formatBytes(max)} is accepted.`);
      el.image.value = '';
      return;
    }
    state.imageFile = file;
    state.imageUrl = URL.createObjectURL(file);
    el.imageThumb.src = state.imageUrl;
    el.imageName.textContent = `${file.name} · ${formatBytes(file.size)}`;
    el.imagePreview.hidden = false;
    el.dropEmpty.hidden = true;
  }

  el.image.addEventListener('change', () => setImage(el.image.files[0] || null));
  el.imageRemove.addEventListener('click', () => {
    setImage(null);
    el.image.focus();
  });
  ['dragenter', 'dragover'].forEach((type) => el.dropzone.addEventListener(type, (event) => {
    event.preventDefault();
    event.dataTransfer.dropEffect = 'copy';
    el.dropzone.classList.add('dragging');
  }));
  ['dragleave', 'dragend'].forEach((type) => el.dropzone.addEventListener(type, (event) => {
    if (!el.dropzone.contains(event.relatedTarget)) el.dropzone.classList.remove('dragging');
  }));
  el.dropzone.addEventListener('drop', (event) => {
    event.preventDefault();
    el.dropzone.classList.remove('dragging');
    const file = event.dataTransfer.files && event.dataTransfer.files[0];
    if (file) setImage(file);
  });
  // a file dropped next to the zone must not navigate away from the page
  window.addEventListener('dragover', (event) => event.preventDefault());
  window.addEventListener('drop', (event) => event.preventDefault());

  // ---------------------------------------------------------------- submit

  function formRequest() {
    const request = { prompt: el.prompt.value };
    const numbers = [['seed', el.seed], ['steps', el.steps], ['guidance_scale', el.guidance], ['frames', el.frames]];
    const local = [];
    for (const [name, input] of numbers) {
      if (input.validity.badInput) {
        local.push([name, 'must be a number']);
      } else if (input.value.trim() !== '') {
        request[name] = input.value.trim();
      }
    }
    if (el.negative.value.trim()) request.negative_prompt = el.negative.value.trim();
    return { request, image: state.imageFile, local };
  }

  async function submit({ request, image, local = [] }) {
    clearErrors();
    if (!state.key) {
      setFieldError('api-key', 'Enter your API key first.');
      el.key.focus();
      return;
    }
    if (local.length) {
      showProblem(new ApiError(400, { errors: local.map(([field, message]) => ({ field, message })) }));
      return;
    }
    const body = new FormData();
    for (const [name, value] of Object.entries(request)) {
      if (value !== undefined && value !== null) body.append(name, String(value));
    }
    if (image) body.append('image', image, image.name || 'image');
    el.submit.disabled = true;
    el.submit.textContent = 'Submitting…';
    try {
      const response = await api('v1/videos', {
        method: 'POST', body, headers: { 'Idempotency-Key': idempotencyKey() }
      });
      const video = await response.json();
      if (image) state.images.set(video.id, image);
      upsertHistory(video, true);
      showVideo(video, { fresh: true });
      followVideo(video.id);
      if (window.matchMedia('(max-width: 900px)').matches) el.result.focus();
    } catch (e) {
      showProblem(e);
    } finally {
      el.submit.disabled = false;
      el.submit.textContent = 'Generate video';
    }
  }

  el.form.addEventListener('submit', (event) => {
    event.preventDefault();
    submit(formRequest());
  });

  function again(newSeed) {
    const v = state.current;
    if (!v) return;
    const request = {
      prompt: v.prompt, frames: v.frames, fps: v.fps, size: v.size, steps: v.steps, guidance_scale: v.guidance_scale
    };
    if (v.negative_prompt) request.negative_prompt = v.negative_prompt;
    if (!newSeed) request.seed = v.seed;
    // show what is being sent in the form, too
    el.prompt.value = v.prompt;
    el.promptCount.textContent = v.prompt.length;
    el.steps.value = v.steps;
    el.guidance.value = v.guidance_scale;
    el.frames.value = v.frames;
    el.seed.value = newSeed ? '' : v.seed;
    el.negative.value = v.negative_prompt || '';
    submit({ request, image: state.images.get(v.id) || null });
  }
  el.sameAgain.addEventListener('click', () => again(false));
  el.newSeed.addEventListener('click', () => again(true));

  el.cancel.addEventListener('click', async () => {
    const v = state.current;
    if (!v) return;
    el.cancel.disabled = true;
    announce('Cancelling…');
    try {
      const response = await api(`v1/videos/${v.id}/cancel`, { method: 'POST' });
      const video = await response.json();
      if (state.current && state.current.id === video.id) showVideo(video);
      upsertHistory(video);
    } catch (e) {
      showProblem(e);
    } finally {
      el.cancel.disabled = false;
    }
  });

  // ---------------------------------------------------------------- the result panel

  function announce(text) {
    if (text !== state.lastAnnounced) {
      el.statusLine.textContent = text;
      state.lastAnnounced = text;
    }
  }

  function statusText(v) {
    switch (v.status) {
      case 'queued':
        if (v.queue_position === 0) return 'Queued — yours is next.';
        if (typeof v.queue_position === 'number') {
          return `Queued — ${v.queue_position} ${v.queue_position === 1 ? 'job' : 'jobs'} ahead of yours.`;
        }
        return 'Queued.';
      case 'in_progress':
        return `Generating${v.stage ? ` (${v.stage.replace(/_/g, ' ')})` : ''}…${v.preview_url ? ' Live preview shown.' : ''}`;
      case 'completed':
        return `Done: ${formatSeconds(v.seconds)} of video, seed ${v.seed}.`;
      case 'failed':
        return `Failed: ${v.error ? v.error.message : 'the generation did not succeed'}.`;
      case 'cancelled':
        return 'Cancelled.';
      case 'expired':
        return 'Expired: this video\'s files were deleted after the retention period.';
      default:
        return '';
    }
  }

  function showVideo(v, { fresh = false } = {}) {
    const switched = !state.current || state.current.id !== v.id;
    state.current = v;
    el.badge.dataset.status = v.status;
    el.badge.textContent = STATUS_LABEL[v.status] || v.status;
    el.result.dataset.videoId = v.id;
    announce(statusText(v));
    markCurrentInHistory(v.id);

    const active = ACTIVE.has(v.status);
    el.stage.classList.remove('empty');
    const size = /^(\d+)x(\d+)$/.exec(v.size || '');
    el.stage.style.aspectRatio = size ? `${size[1]} / ${size[2]}` : '';
    $('stage-caption').textContent = v.status === 'queued' ? 'Waiting for a worker…'
      : v.status === 'in_progress' ? `${v.stage ? capitalise(v.stage.replace(/_/g, ' ')) : 'Generating'} · ${v.progress || 0}%`
      : v.status === 'cancelled' ? 'Cancelled' : v.status === 'failed' ? 'Failed' : '';
    el.stage.classList.toggle('working', active);
    el.progressWrap.hidden = !(active || v.status === 'completed');
    const progress = v.status === 'completed' ? 100 : (v.progress || 0);
    el.progress.value = progress;
    el.progressText.textContent = `${progress}%`;
    el.progressLabel.textContent = v.status === 'queued' ? 'Waiting in the queue'
      : v.status === 'completed' ? 'Finished' : 'Generating';
    el.cancel.hidden = !active;

    el.facts.hidden = false;
    el.factSeed.textContent = String(v.seed);
    el.factDuration.textContent = `${formatSeconds(v.seconds)} · ${v.frames} frames`;
    el.factSize.textContent = `${(v.size || "").replace("x", "×")} · ${v.fps} fps`;
    el.factSteps.textContent = String(v.steps);
    el.promptEcho.hidden = false;
    el.promptEcho.textContent = `“${v.prompt}”`;

    const done = v.status === 'completed' && v.video_url;
    el.sameAgain.hidden = !TERMINAL.has(v.status);
    el.newSeed.hidden = !TERMINAL.has(v.status);
    el.downloadVideo.hidden = !done;
    el.downloadThumb.hidden = !(done && v.thumbnail_url);
    if (done) {
      el.downloadVideo.href = v.video_url;
      el.downloadVideo.setAttribute('download', `walt-${v.id}.mp4`);
      if (v.thumbnail_url) {
        el.downloadThumb.href = v.thumbnail_url;
        el.downloadThumb.setAttribute('download', `walt-${v.id}.jpg`);
      }
      stopPreview();
      if (switched || fresh || el.video.dataset.videoId !== v.id) {
        el.video.poster = v.thumbnail_url || '';
        el.video.src = v.video_url;
        el.video.dataset.videoId = v.id;
        el.video.setAttribute('aria-label', `Generated video: ${v.prompt}`);
        el.video.load();
      }
      el.video.hidden = false;
      el.placeholder.hidden = true;
    } else {
      if (el.video.dataset.videoId) {
        el.video.pause();
        el.video.removeAttribute('src');
        el.video.removeAttribute('poster');
        delete el.video.dataset.videoId;
        el.video.load();
      }
      el.video.hidden = true;
      if (switched || v.status !== 'in_progress') stopPreview();
      if (v.status === 'in_progress' && v.preview_url) showPreview(v);
      el.placeholder.hidden = !el.previewVideo.hidden;
    }
    if (v.status === 'queued') startQueuePoll(v.id); else stopQueuePoll();
  }

  // ---------------------------------------------------------------- live preview

  // While a job runs, the worker replaces a small WebM of its current estimate every few seconds; the video
  // object then has a signed preview_url (a <video> loads it without the API key) and preview_updated_at.
  // A newer preview is loaded off screen and swapped in once it can play, so the stage never goes blank.
  function previewVersion(v) {
    return `${v.id}@${v.preview_updated_at == null ? '' : v.preview_updated_at}`;
  }

  function newPreviewElement(url, version) {
    const video = document.createElement('video');
    video.id = 'preview-video';
    video.className = 'live';
    video.muted = true;
    video.loop = true;
    video.playsInline = true;
    video.preload = 'auto';
    video.setAttribute('aria-label', 'Live preview of the video being generated');
    video.dataset.version = version;
    video.src = url;
    return video;
  }

  function showPreview(v) {
    const version = previewVersion(v);
    el.previewBar.hidden = false;
    if (el.previewVideo.dataset.version === version
        || (state.previewPending && state.previewPending.dataset.version === version)) {
      return;
    }
    if (!el.previewVideo.dataset.version) {
      // the first preview of this job: straight into the visible element
      el.previewVideo.dataset.version = version;
      el.previewVideo.src = v.preview_url;
      el.previewVideo.hidden = false;
      el.placeholder.hidden = true;
      playPreview();
      return;
    }
    const next = newPreviewElement(v.preview_url, version);
    state.previewPending = next;
    next.addEventListener('loadeddata', () => {
      if (state.previewPending !== next) return; // a newer one, or the job ended
      state.previewPending = null;
      next.hidden = el.previewVideo.hidden;
      el.previewVideo.replaceWith(next);
      el.previewVideo = next;
      playPreview();
    }, { once: true });
    next.addEventListener('error', () => {
      if (state.previewPending === next) state.previewPending = null; // keep showing the last one
    }, { once: true });
    next.load();
  }

  function playPreview() {
    el.previewToggle.textContent = state.previewPaused ? 'Play preview' : 'Pause preview';
    el.previewToggle.setAttribute('aria-pressed', String(state.previewPaused));
    if (state.previewPaused) {
      el.previewVideo.pause();
    } else {
      const playing = el.previewVideo.play();
      if (playing) playing.catch(() => {}); // interrupted by the next swap: nothing to do
    }
  }

  function stopPreview() {
    state.previewPending = null;
    el.previewBar.hidden = true;
    if (!el.previewVideo.dataset.version && el.previewVideo.hidden) return; // nothing shown (queued, polled)
    el.previewVideo.pause();
    el.previewVideo.hidden = true;
    el.previewVideo.removeAttribute('src');
    delete el.previewVideo.dataset.version;
    el.previewVideo.load();
    el.previewBar.hidden = true;
    el.placeholder.hidden = false;
  }

  el.previewToggle.addEventListener('click', () => {
    state.previewPaused = !state.previewPaused;
    playPreview();
  });

  // ---------------------------------------------------------------- queue position

  // Events come on status and progress changes; the queue position moves without either, so it is polled.
  function startQueuePoll(id) {
    if (state.queuePoll && state.queuePoll.id === id) return;
    stopQueuePoll();
    const timer = setInterval(async () => {
      try {
        const video = await (await api(`v1/videos/${id}`)).json();
        if (state.current && state.current.id === id && state.current.status === 'queued') showVideo(video);
      } catch (ignored) { /* the stream reports errors */ }
    }, 3000);
    state.queuePoll = { id, timer };
  }

  function stopQueuePoll() {
    if (state.queuePoll) clearInterval(state.queuePoll.timer);
    state.queuePoll = null;
  }

  // ---------------------------------------------------------------- Server-Sent Events

  // EventSource cannot send an Authorization header, so the stream is read with fetch.
  function followVideo(id) {
    stopFollowing();
    const controller = new AbortController();
    state.follow = controller;
    state.followId = id;
    run(id, controller.signal);
  }

  function stopFollowing() {
    if (state.follow) state.follow.abort();
    state.follow = null;
    state.followId = null;
  }

  async function run(id, signal) {
    let failures = 0;
    while (!signal.aborted) {
      let terminal = false;
      try {
        const response = await api(`v1/videos/${id}/events`, { headers: { Accept: 'text/event-stream' }, signal });
        failures = 0;
        terminal = await readEvents(response.body, signal, (name, data) => {
          if (name === 'deleted') {
            onDeleted(id);
            return true;
          }
          if (name !== 'status' && name !== 'progress' && name !== 'message') return false;
          const video = JSON.parse(data);
          onUpdate(video);
          return TERMINAL.has(video.status);
        });
      } catch (e) {
        if (signal.aborted || e.name === 'AbortError') return;
        if (e.status === 404) { onDeleted(id); return; }
        if (e.status === 401) { handleKeyError(e); return; }
        failures += 1;
      }
      if (terminal || signal.aborted) break;
      // the stream ended early (timeout, network): read the state once, then reconnect
      try {
        const video = await (await api(`v1/videos/${id}`, { signal })).json();
        onUpdate(video);
        if (TERMINAL.has(video.status)) break;
      } catch (e) {
        if (signal.aborted || e.name === 'AbortError') return;
        if (e.status === 404) { onDeleted(id); return; }
      }
      await sleep(Math.min(1000 * 2 ** Math.min(failures, 4), 15000), signal);
    }
    if (state.followId === id) {
      state.follow = null;
      state.followId = null;
    }
  }

  /** Reads a text/event-stream body; onEvent returns true to stop. Returns whether it was stopped. */
  async function readEvents(body, signal, onEvent) {
    const reader = body.pipeThrough(new TextDecoderStream()).getReader();
    let buffer = '';
    let name = 'message';
    let data = [];
    try {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) return false;
        buffer += value;
        let newline;
        while ((newline = buffer.search(/\r\n|\r|\n/)) >= 0) {
          const line = buffer.slice(0, newline);
          buffer = buffer.slice(newline + (buffer.startsWith('\r\n', newline) ? 2 : 1));
          if (line === '') {
            if (data.length && onEvent(name, data.join('\n'))) return true;
            name = 'message';
            data = [];
          } else if (!line.startsWith(':')) {
            const colon = line.indexOf(':');
            const field = colon < 0 ? line : line.slice(0, colon);
            let value = colon < 0 ? '' : line.slice(colon + 1);
            if (value.startsWith(' ')) value = value.slice(1);
            if (field === 'event') name = value;
            else if (field === 'data') data.push(value);
          }
        }
      }
    } finally {
      reader.cancel().catch(() => {});
      if (signal.aborted) return false;
    }
  }

  function sleep(ms, signal) {
    return new Promise((resolve) => {
      const timer = setTimeout(resolve, ms);
      signal.addEventListener('abort', () => { clearTimeout(timer); resolve(); }, { once: true });
    });
  }

  function onUpdate(video) {
    upsertHistory(video);
    if (state.current && state.current.id === video.id) showVideo(video);
  }

  function onDeleted(id) {
    const item = el.historyList.querySelector(`[data-id="${CSS.escape(id)}"]`);
    if (item) item.remove();
    if (state.current && state.current.id === id) {
      stopPreview();
      stopQueuePoll();
      el.badge.dataset.status = 'deleted';
      el.badge.textContent = STATUS_LABEL.deleted;
      el.cancel.hidden = true;
      announce('This video was deleted.');
    }
  }

  // ---------------------------------------------------------------- history

  async function loadHistory(reset) {
    const params = new URLSearchParams({ limit: String(HISTORY_PAGE) });
    if (!reset && state.cursor) params.set('after', state.cursor);
    el.loadMore.disabled = true;
    try {
      const page = await (await api(`v1/videos?${params}`)).json();
      if (reset) el.historyList.replaceChildren();
      for (const video of page.data) upsertHistory(video, false, true);
      state.cursor = page.next_cursor || null;
      el.loadMore.hidden = !page.has_more;
      el.historyEmpty.hidden = el.historyList.children.length > 0;
      el.historyEmpty.textContent = 'No videos yet: your first one will appear here.';
      if (state.current) markCurrentInHistory(state.current.id);
    } finally {
      el.loadMore.disabled = false;
    }
  }

  function upsertHistory(video, prepend = false, append = false) {
    const existing = el.historyList.querySelector(`li[data-id="${CSS.escape(video.id)}"]`);
    const item = historyItem(video);
    if (existing) {
      existing.replaceWith(item);
    } else if (append) {
      el.historyList.append(item);
    } else if (prepend || el.historyList.children.length === 0) {
      el.historyList.prepend(item);
    } else {
      return;
    }
    el.historyEmpty.hidden = true;
    if (state.current && state.current.id === video.id) markCurrentInHistory(video.id);
  }

  function historyItem(video) {
    const li = document.createElement('li');
    li.dataset.id = video.id;
    li.dataset.status = video.status;
    const button = document.createElement('button');
    button.type = 'button';
    button.className = 'history-item';
    button.setAttribute('aria-label', `${STATUS_LABEL[video.status] || video.status}: ${video.prompt}`);

    const thumb = document.createElement('div');
    thumb.className = 'thumb';
    if (video.thumbnail_url) {
      const img = document.createElement('img');
      img.src = video.thumbnail_url;
      img.alt = '';
      img.loading = 'lazy';
      thumb.append(img);
    } else {
      const span = document.createElement('span');
      span.className = 'thumb-empty';
      span.textContent = ACTIVE.has(video.status) ? `${video.progress || 0}%` : 'no preview';
      thumb.append(span);
    }
    const body = document.createElement('div');
    body.className = 'history-body';
    const prompt = document.createElement('p');
    prompt.className = 'history-prompt';
    prompt.textContent = video.prompt;
    const meta = document.createElement('div');
    meta.className = 'history-meta';
    const badge = document.createElement('span');
    badge.className = 'badge';
    badge.dataset.status = video.status;
    badge.textContent = STATUS_LABEL[video.status] || video.status;
    const time = document.createElement('time');
    time.dateTime = new Date(video.created_at * 1000).toISOString();
    time.textContent = relativeTime(video.created_at);
    meta.append(badge, time);
    body.append(prompt, meta);
    button.append(thumb, body);
    button.addEventListener('click', () => openVideo(video.id));
    li.append(button);
    return li;
  }

  function markCurrentInHistory(id) {
    for (const button of el.historyList.querySelectorAll('.history-item')) {
      const isCurrent = button.parentElement.dataset.id === id;
      if (isCurrent) button.setAttribute('aria-current', 'true'); else button.removeAttribute('aria-current');
    }
  }

  async function openVideo(id) {
    try {
      const video = await (await api(`v1/videos/${id}`)).json();
      showVideo(video, { fresh: true });
      upsertHistory(video);
      if (ACTIVE.has(video.status)) followVideo(id); else if (state.followId !== id) stopFollowing();
      el.result.focus({ preventScroll: true });
      el.result.scrollIntoView({ block: 'start', behavior: matchMedia('(prefers-reduced-motion: reduce)').matches ? 'auto' : 'smooth' });
    } catch (e) {
      if (e.status === 404) onDeleted(id); else showProblem(e);
    }
  }

  el.loadMore.addEventListener('click', () => loadHistory(false).catch(showProblem));
  el.historyRefresh.addEventListener('click', () => loadHistory(true).catch(showProblem));

  // ---------------------------------------------------------------- formatting

  function capitalise(text) {
    return text.charAt(0).toUpperCase() + text.slice(1);
  }

  function formatBytes(n) {
    if (n >= 1024 * 1024) return `${(n / (1024 * 1024)).toFixed(n % (1024 * 1024) ? 1 : 0)} MB`;
    if (n >= 1024) return `${Math.round(n / 1024)} KB`;
    return `${n} bytes`;
  }

  function formatSeconds(s) {
    return `${Number(s).toFixed(s < 10 ? 2 : 1).replace(/\.?0+$/, '')} s`;
  }

  function relativeTime(epochSeconds) {
    const diff = epochSeconds - Date.now() / 1000;
    const format = new Intl.RelativeTimeFormat(undefined, { numeric: 'auto' });
    const abs = Math.abs(diff);
    if (abs < 60) return format.format(Math.round(diff), 'second');
    if (abs < 3600) return format.format(Math.round(diff / 60), 'minute');
    if (abs < 86400) return format.format(Math.round(diff / 3600), 'hour');
    return format.format(Math.round(diff / 86400), 'day');
  }

  // ---------------------------------------------------------------- start

  loadConfig();
  if (state.key) {
    el.key.value = state.key;
    el.forgetKey.hidden = false;
    loadHistory(true).then(() => setKeyState('Key accepted for this tab')).catch(handleKeyError);
  }
})();
