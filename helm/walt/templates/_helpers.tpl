{{/*
Expand the name of the chart.
*/}}
{{- define "walt.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/*
Create a default fully qualified app name (63 characters at most: some Kubernetes name fields are
limited to this by the DNS naming spec). If the release name contains the chart name it is used as is.
*/}}
{{- define "walt.fullname" -}}
{{- if .Values.fullnameOverride }}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- $name := default .Chart.Name .Values.nameOverride }}
{{- if contains $name .Release.Name }}
{{- .Release.Name | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" }}
{{- end }}
{{- end }}
{{- end }}

{{/*
Create chart name and version as used by the chart label.
*/}}
{{- define "walt.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/*
Common labels.
*/}}
{{- define "walt.labels" -}}
helm.sh/chart: {{ include "walt.chart" . }}
{{ include "walt.selectorLabels" . }}
{{- if .Chart.AppVersion }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
{{- end }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/part-of: walt
{{- end }}

{{/*
Selector labels (common to all components; add app.kubernetes.io/component per workload).
*/}}
{{- define "walt.selectorLabels" -}}
app.kubernetes.io/name: {{ include "walt.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end }}

{{/*
Labels and selector labels of one component: include with (dict "ctx" $ "component" "api").
*/}}
{{- define "walt.componentLabels" -}}
{{ include "walt.labels" .ctx }}
app.kubernetes.io/component: {{ .component }}
{{- end }}

{{- define "walt.componentSelectorLabels" -}}
{{ include "walt.selectorLabels" .ctx }}
app.kubernetes.io/component: {{ .component }}
{{- end }}

{{/*
Create the name of the service account to use.
*/}}
{{- define "walt.serviceAccountName" -}}
{{- if .Values.serviceAccount.create }}
{{- default (include "walt.fullname" .) .Values.serviceAccount.name }}
{{- else }}
{{- default "default" .Values.serviceAccount.name }}
{{- end }}
{{- end }}

{{/*
The Secret holding credentials: an existing one (secrets.existingSecret) or the chart's.
*/}}
{{- define "walt.secretName" -}}
{{- if .Values.secrets.existingSecret }}
{{- .Values.secrets.existingSecret }}
{{- else }}
{{- include "walt.fullname" . }}
{{- end }}
{{- end }}

{{/*
The Secret the migration hook Job reads. At pre-install the chart's own Secret does not exist yet (hooks
run before the release's resources), so the chart writes the database credentials into a hook Secret
created just before the Job; an existing Secret is used directly.
*/}}
{{- define "walt.migrationSecretName" -}}
{{- if .Values.secrets.existingSecret }}
{{- .Values.secrets.existingSecret }}
{{- else }}
{{- printf "%s-migrate" (include "walt.fullname" .) | trunc 63 | trimSuffix "-" }}
{{- end }}
{{- end }}

{{/*
The image of a component: include with (dict "ctx" $ "gpu" true|false). GPU workers run the CUDA
variant of the image (docker build --build-arg VARIANT=cuda), tagged image.tag + image.cudaTagSuffix.
*/}}
{{- define "walt.image" -}}
{{- $tag := default .ctx.Chart.AppVersion .ctx.Values.image.tag }}
{{- if .gpu }}
{{- $tag = printf "%s%s" $tag .ctx.Values.image.cudaTagSuffix }}
{{- end }}
{{- printf "%s:%s" .ctx.Values.image.repository $tag }}
{{- end }}

{{/*
Whether workers request GPUs.
*/}}
{{- define "walt.worker.gpu" -}}
{{- if gt (int .Values.worker.gpu.count) 0 }}true{{ end }}
{{- end }}

{{/*
GPU placement of the worker pod, defined once: nodeSelector, tolerations, affinity and runtime class.
With worker.gpu.count > 0 the GPU node selector and tolerations (worker.gpu.*) are merged with the
worker's own (worker.nodeSelector, worker.tolerations); without GPUs only the worker's own apply.
*/}}
{{- define "walt.worker.placement" -}}
{{- $gpu := include "walt.worker.gpu" . }}
{{- $nodeSelector := deepCopy (default dict .Values.worker.nodeSelector) }}
{{- $tolerations := default list .Values.worker.tolerations }}
{{- if $gpu }}
{{- $nodeSelector = merge $nodeSelector (default dict .Values.worker.gpu.nodeSelector) }}
{{- $tolerations = concat $tolerations (default list .Values.worker.gpu.tolerations) }}
{{- end }}
{{- with $nodeSelector }}
nodeSelector:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- with $tolerations }}
tolerations:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- with .Values.worker.affinity }}
affinity:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- if and $gpu .Values.worker.gpu.runtimeClassName }}
runtimeClassName: {{ .Values.worker.gpu.runtimeClassName }}
{{- end }}
{{- end }}

{{/*
Container resources of the worker: worker.resources plus, with GPUs, the GPU request and limit (an
extended resource: request and limit must be equal).
*/}}
{{- define "walt.worker.resources" -}}
{{- $resources := deepCopy (default dict .Values.worker.resources) }}
{{- if include "walt.worker.gpu" . }}
{{- $gpus := dict .Values.worker.gpu.resourceName (int .Values.worker.gpu.count) }}
{{- $_ := set $resources "limits" (merge (default dict $resources.limits) $gpus) }}
{{- $_ := set $resources "requests" (merge (default dict $resources.requests) $gpus) }}
{{- end }}
{{- toYaml $resources }}
{{- end }}

{{/*
Environment of every walt container: settings from the ConfigMap, credentials from the Secret.
Keys of the Secret are documented in values.yaml (secrets).
*/}}
{{- define "walt.env" -}}
- name: WALT_DB_URL
  valueFrom:
    secretKeyRef:
      name: {{ include "walt.secretName" . }}
      key: database-url
- name: WALT_DB_USER
  valueFrom:
    secretKeyRef:
      name: {{ include "walt.secretName" . }}
      key: database-user
- name: WALT_DB_PASSWORD
  valueFrom:
    secretKeyRef:
      name: {{ include "walt.secretName" . }}
      key: database-password
- name: WALT_S3_ACCESS_KEY
  valueFrom:
    secretKeyRef:
      name: {{ include "walt.secretName" . }}
      key: s3-access-key
- name: WALT_S3_SECRET_KEY
  valueFrom:
    secretKeyRef:
      name: {{ include "walt.secretName" . }}
      key: s3-secret-key
- name: WALT_AUTH_PEPPER
  valueFrom:
    secretKeyRef:
      name: {{ include "walt.secretName" . }}
      key: api-key-pepper
- name: WALT_AUTH_ADMIN_KEY
  valueFrom:
    secretKeyRef:
      name: {{ include "walt.secretName" . }}
      key: admin-key
      optional: true
{{- end }}

{{/*
Volumes every walt pod mounts: the root filesystem is read-only, so /tmp (Tomcat's work directory,
JVM temporary files) and the data directory (walt.data-dir) are emptyDirs. The native libraries
(PyTorch, FFmpeg) are baked into the image and only read.
*/}}
{{- define "walt.volumes" -}}
- name: tmp
  emptyDir:
    {{- with .Values.tmpVolume.sizeLimit }}
    sizeLimit: {{ . }}
    {{- end }}
- name: data
  emptyDir:
    {{- with .Values.dataVolume.sizeLimit }}
    sizeLimit: {{ . }}
    {{- end }}
{{- end }}

{{- define "walt.volumeMounts" -}}
- name: tmp
  mountPath: /tmp
- name: data
  mountPath: /var/lib/walt
{{- end }}

{{/*
Checksums of the configuration, so that pods roll when it changes.
*/}}
{{- define "walt.configChecksums" -}}
checksum/config: {{ include (print $.Template.BasePath "/configmap.yaml") . | sha256sum }}
{{- if not .Values.secrets.existingSecret }}
checksum/secret: {{ include (print $.Template.BasePath "/secret.yaml") . | sha256sum }}
{{- end }}
{{- end }}
