/**
 * Cross-cutting service plumbing: the root settings ({@code walt.data-dir}), the database connection
 * ({@code walt.db.*}), health groups and the OpenAPI description.
 */
@NullMarked
package dev.walt.system;

import org.jspecify.annotations.NullMarked;
