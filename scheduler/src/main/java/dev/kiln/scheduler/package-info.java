/** Places invocations on warm containers across runtime nodes. */
package dev.kiln.scheduler;
