/**
 * The page served instead of the UI when web/dist is missing (a checkout where the UI was
 * never built): it says how to build it and where the API is. No script, no inline style.
 */
export function uiMissingPage(): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>Drover</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
</head>
<body>
<h1>Drover</h1>
<p>The web UI is not built. Run <code>npm run build:web</code> (or <code>npm ci</code>, which builds it), then reload.</p>
<p>The API answers at <a href="/api/v1/apps">/api/v1/apps</a>.</p>
</body>
</html>`;
}
