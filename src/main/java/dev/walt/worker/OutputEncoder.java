package dev.walt.worker;

/** Turns generated frames into the published files (MP4, JPEG thumbnail, animated preview). */
interface OutputEncoder {

  EncodedVideo encode(GeneratedVideo video) throws Exception;
}
