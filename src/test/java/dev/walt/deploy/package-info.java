/** Tests of the deployment artefacts: the Helm chart, docker-compose, the Dockerfile and the roles. */
@NullMarked
package dev.walt.deploy;

import org.jspecify.annotations.NullMarked;
