// A job's page (layerjob.html): follow the job through GET /api/v1/jobs/{id}
// every second, moving the progress bar and the state and stage texts (in the
// page's language, from the elements' data attributes); when the job ends,
// reload the page, which the server renders with the result or the error.
// Without JavaScript the page's reload link does the same by hand.
const job = document.getElementById('job');
if (job && job.dataset.url) {
  const bar = document.getElementById('job-progress');
  const count = document.getElementById('job-count');
  const state = document.getElementById('job-state');
  const stage = document.getElementById('job-stage');
  const attempts = document.getElementById('job-attempts');
  let last = job.dataset.state;
  const tick = async () => {
    let j;
    try {
      const res = await fetch(job.dataset.url, { headers: { Accept: 'application/json' }, cache: 'no-store', credentials: 'same-origin' });
      if (!res.ok) return schedule(5000);
      j = await res.json();
    } catch {
      return schedule(5000); // the server restarting: try again
    }
    if (j.total > 0) {
      bar.max = j.total;
      bar.value = j.done;
      bar.textContent = `${j.percent}%`;
      count.textContent = `${j.done} / ${j.total}`;
    }
    if (state.dataset[j.state]) state.textContent = state.dataset[j.state];
    if (j.stage && stage.dataset[j.stage]) stage.textContent = stage.dataset[j.stage];
    attempts.textContent = `${j.attempts} / ${j.max_attempts}`;
    if (j.state === 'done' || j.state === 'failed' || (j.state !== last && last === 'running')) {
      window.location.reload();
      return undefined;
    }
    last = j.state;
    return schedule(1000);
  };
  const schedule = (ms) => { setTimeout(tick, ms); };
  schedule(1000);
}
