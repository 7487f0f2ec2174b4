/**
 * Text conditioning: the {@link dev.walt.model.text.TextEncoder} contract the transformer and sampler
 * use, and the small default implementation (a word-level tokenizer and transformer encoder trained
 * with walt-tiny). Shapes: B prompts, K tokens (the tokenizer's maximum length), Dt token width.
 */
@NullMarked
package dev.walt.model.text;

import org.jspecify.annotations.NullMarked;
