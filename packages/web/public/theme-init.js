// Applies the saved theme before the first paint (no flash): "light", "dark", or the system's preference.
// A separate file rather than an inline script, so a strict Content-Security-Policy (script-src 'self') allows it.
(() => {
  let saved = null;
  try {
    saved = localStorage.getItem('quadletman.theme');
  } catch {}
  const dark = saved === 'dark' || (saved !== 'light' && matchMedia('(prefers-color-scheme: dark)').matches);
  document.documentElement.classList.toggle('dark', dark);
})();
