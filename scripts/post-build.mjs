// Trunk's post_build hook (Trunk.toml), run on the staging directory before it becomes dist/:
// first the page's Content-Security-Policy, then the precompressed copies of every large file
// (the CSP changes index.html, so it must come first).
await import('./csp.mjs');
await import('./precompress.mjs');
