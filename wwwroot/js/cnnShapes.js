// CNN architectures as data in the browser: presets, layer descriptions and the shape after every layer,
// computed as the server's Network.InferShapes does (the server checks again and has the last word).

import presets from './presets.json' with { type: 'json' };

export const LAYER_TYPES = [
  { type: 'conv', label: 'Convolution' },
  { type: 'maxPool', label: 'Max pooling' },
  { type: 'avgPool', label: 'Average pooling' },
  { type: 'relu', label: 'ReLU' },
  { type: 'tanh', label: 'tanh' },
  { type: 'sigmoid', label: 'Sigmoid' },
  { type: 'dense', label: 'Fully connected' },
  { type: 'dropout', label: 'Dropout' },
];

/** The fields each layer type takes, with their ranges (as the server validates them). */
export const LAYER_FIELDS = {
  conv: [
    { name: 'filters', label: 'Filters', min: 1, max: 256, step: 1, required: true, fallback: 8 },
    { name: 'kernel', label: 'Kernel', min: 1, max: 15, step: 1, required: true, fallback: 5 },
    { name: 'stride', label: 'Stride', min: 1, max: 8, step: 1, fallback: 1 },
    { name: 'padding', label: 'Padding', min: 0, max: 7, step: 1, fallback: 0 },
  ],
  maxPool: [
    { name: 'window', label: 'Window', min: 1, max: 8, step: 1, required: true, fallback: 2 },
    { name: 'stride', label: 'Stride', min: 1, max: 8, step: 1, fallback: 2 },
  ],
  avgPool: [
    { name: 'window', label: 'Window', min: 1, max: 8, step: 1, required: true, fallback: 2 },
    { name: 'stride', label: 'Stride', min: 1, max: 8, step: 1, fallback: 2 },
  ],
  relu: [],
  tanh: [],
  sigmoid: [],
  dense: [{ name: 'units', label: 'Units', min: 1, max: 4096, step: 1, required: true, fallback: 100 }],
  dropout: [{ name: 'rate', label: 'Rate', min: 0, max: 0.9, step: 0.05, fallback: 0.5 }],
};

/** The presets of presets.json (the server tests submit the same job bodies): title, layers and the whole job. */
export const PRESETS = Object.fromEntries(Object.entries(presets.cnn)
  .map(([name, preset]) => [name, { title: preset.title, about: preset.about, layers: preset.job.cnn.layers, job: preset.job }]));

export function copyLayers(layers) {
  return layers.map((layer) => ({ ...layer }));
}

/** A new layer of a type with its default fields. */
export function newLayer(type) {
  const layer = { type };
  for (const field of LAYER_FIELDS[type] ?? []) layer[field.name] = field.fallback;
  return layer;
}

/** As the server's LayerSpec.Describe: "conv 6@5×5 pad 2", "max-pool 2×2 stride 2", "dense 120". */
export function describeLayer(layer) {
  switch (layer?.type) {
    case 'conv':
      return `conv ${layer.filters}@${layer.kernel}×${layer.kernel}${(layer.stride ?? 1) !== 1 ? ` stride ${layer.stride}` : ''}${(layer.padding ?? 0) !== 0 ? ` pad ${layer.padding}` : ''}`;
    case 'maxPool': return `max-pool ${layer.window}×${layer.window} stride ${layer.stride ?? layer.window}`;
    case 'avgPool': return `avg-pool ${layer.window}×${layer.window} stride ${layer.stride ?? layer.window}`;
    case 'dense': return `dense ${layer.units}`;
    case 'dropout': return `dropout ${layer.rate ?? 0.5}`;
    default: return String(layer?.type ?? '?');
  }
}

export function formatShape(shape) {
  return shape ? `${shape.channels}×${shape.height}×${shape.width}` : '–';
}

function isInteger(value, min, max) {
  return Number.isInteger(value) && value >= min && value <= max;
}

/** The first problem with a layer's own fields, or null. */
function fieldError(layer) {
  for (const field of LAYER_FIELDS[layer.type] ?? []) {
    const value = layer[field.name];
    if (value === undefined || value === null || Number.isNaN(value)) {
      if (field.required) return `${field.name} is required`;
      continue;
    }
    const ok = field.step === 1 ? isInteger(value, field.min, field.max) : value >= field.min && value <= field.max;
    if (!ok) return `${field.name} must be between ${field.min} and ${field.max}, got ${value}`;
  }
  return null;
}

/**
 * Shapes through the network: { shapes: [input, after layer 1, …], errors: Map(index → message), impliedOutput }.
 * Like the server, an output layer dense(classes) is implied when the list does not end with a dense layer.
 */
export function inferShapes(input, layers, classes) {
  const errors = new Map();
  const shapes = [input];
  let shape = input;
  let broken = false;
  layers.forEach((layer, i) => {
    if (broken) {
      shapes.push(null);
      return;
    }
    const name = `layer ${i + 1} (${describeLayer(layer)})`;
    const own = LAYER_FIELDS[layer.type] ? fieldError(layer) : `type must be one of ${LAYER_TYPES.map((t) => t.type).join(', ')}`;
    if (own) {
      errors.set(i, `layer ${i + 1}: ${own}`);
      broken = true;
      shapes.push(null);
      return;
    }
    let next = shape;
    if (layer.type === 'conv') {
      const k = layer.kernel;
      const p = layer.padding ?? 0;
      const s = layer.stride ?? 1;
      if (k > shape.height + 2 * p || k > shape.width + 2 * p) {
        errors.set(i, `${name}: input ${formatShape(shape)} is smaller than the kernel.`);
      } else {
        next = { channels: layer.filters, height: Math.floor((shape.height + 2 * p - k) / s) + 1, width: Math.floor((shape.width + 2 * p - k) / s) + 1 };
      }
    } else if (layer.type === 'maxPool' || layer.type === 'avgPool') {
      const w = layer.window;
      const s = layer.stride ?? w;
      if (w > shape.height || w > shape.width) {
        errors.set(i, `${name}: input ${formatShape(shape)} is smaller than the ${w}×${w} window.`);
      } else {
        next = { channels: shape.channels, height: Math.floor((shape.height - w) / s) + 1, width: Math.floor((shape.width - w) / s) + 1 };
      }
    } else if (layer.type === 'dense') {
      next = { channels: layer.units, height: 1, width: 1 };
    }
    if (errors.has(i)) {
      broken = true;
      shapes.push(null);
      return;
    }
    shape = next;
    shapes.push(shape);
  });
  const last = layers.at(-1);
  const impliedOutput = !last || last.type !== 'dense';
  if (!broken && last?.type === 'dense' && last.units !== classes) {
    errors.set(layers.length - 1, `layer ${layers.length} (${describeLayer(last)}) is the output layer: it needs one unit per class, ${classes}`);
  }
  if (layers.length === 0) errors.set(-1, 'add at least one layer');
  return { shapes, errors, impliedOutput, output: broken ? null : impliedOutput ? { channels: classes, height: 1, width: 1 } : shape };
}
