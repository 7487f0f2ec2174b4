/**
 * Neural-network building blocks shared by the model stages (normalisations, convolutions). Shapes use
 * the glossary of {@link dev.walt.model}.
 */
@NullMarked
package dev.walt.model.nn;

import org.jspecify.annotations.NullMarked;
