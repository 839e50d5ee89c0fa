// A plot's canvas saved as a PNG file: the browser's download of its data URL (Chart.js plots and
// the heatmaps alike).
export function saveCanvasPng(canvas: HTMLCanvasElement | null, fileName: string): void {
  if (!canvas) return;
  const a = document.createElement('a');
  a.href = canvas.toDataURL('image/png');
  a.download = `${fileName}.png`;
  document.body.append(a);
  a.click();
  a.remove();
}
