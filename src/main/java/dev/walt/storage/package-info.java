/** Object storage for inputs and results (S3-compatible). */
@NullMarked
package dev.walt.storage;

import org.jspecify.annotations.NullMarked;
