#!/usr/bin/env python3
"""Writes the Grafana dashboards of deploy/grafana/dashboards/ from the panel list below.

Edit the panels here and run `python3 deploy/grafana/make_dashboards.py`; the JSON files are what Grafana
provisions (docker-compose.yml) and what the dashboard test evaluates against a real Prometheus.
"""
import json
import os

DS = {"type": "prometheus", "uid": "nnstain-prometheus"}
RUN_VAR = {
    "name": "run", "label": "run", "type": "query", "datasource": DS,
    "query": {"query": "label_values(nnstain_trainer_epoch, run)", "refId": "runs"},
    "definition": "label_values(nnstain_trainer_epoch, run)",
    "includeAll": True, "multi": True, "allValue": ".*", "refresh": 2, "sort": 2,
    "current": {"selected": True, "text": ["All"], "value": ["$__all"]},
}


def panel(pid, title, targets, x, y, w=12, h=8, kind="timeseries", unit=None, description=""):
    p = {
        "id": pid, "type": kind, "title": title, "description": description, "datasource": DS,
        "gridPos": {"x": x, "y": y, "w": w, "h": h},
        "targets": [{"refId": chr(65 + i), "datasource": DS, "expr": expr, "legendFormat": legend}
                    for i, (expr, legend) in enumerate(targets)],
        "fieldConfig": {"defaults": {"unit": unit} if unit else {}, "overrides": []},
        "options": {"legend": {"displayMode": "list", "placement": "bottom", "showLegend": True}},
    }
    return p


def dashboard(uid, title, description, panels, variables=True):
    return {
        "uid": uid, "title": title, "description": description, "tags": ["nn-staining"],
        "timezone": "browser", "schemaVersion": 39, "version": 1, "editable": False,
        "refresh": "5s", "time": {"from": "now-30m", "to": "now"},
        "templating": {"list": [RUN_VAR] if variables else []},
        "panels": panels,
    }


R = '{run=~"$run"}'
training = dashboard("nnstain-training", "nn-staining · Training",
    "Live loss and accuracy per run, epoch time and the probe's overhead (trainer-service).", [
    panel(1, "Loss (latest scanned epoch)", [(f"nnstain_trainer_loss{R}", "{{run}} {{split}}")], 0, 0),
    panel(2, "Accuracy (latest scanned epoch)", [(f"nnstain_trainer_accuracy{R}", "{{run}} {{split}}")], 12, 0,
          unit="percentunit"),
    panel(3, "Epoch", [(f"nnstain_trainer_epoch{R}", "{{run}}")], 0, 8, w=6, kind="stat"),
    panel(4, "Epoch time (mean, slowest)", [
        (f"nnstain_trainer_epoch_time_seconds_sum{R} / nnstain_trainer_epoch_time_seconds_count{R}", "{{run}} mean"),
        (f"nnstain_trainer_epoch_time_seconds_max{R}", "{{run}} slowest recent")], 6, 8, w=9, unit="s"),
    panel(5, "Probe overhead (traced / plain, estimated)", [
        (f"1 + nnstain_trainer_probe_time_seconds_sum{R} / (nnstain_trainer_epoch_time_seconds_sum{R}"
         f" - nnstain_trainer_probe_time_seconds_sum{R})", "{{run}}")], 15, 8, w=9,
        description="1 + time the probe added on the training thread / the rest of the epoch time"),
    panel(6, "Snapshots published per second, by layer",
          [(f"sum by (layer) (rate(nnstain_trainer_snapshots_published_total{R}[$__rate_interval]))", "{{layer}}")],
          0, 16),
    panel(7, "Bytes published per second, by topic",
          [("sum by (topic) (rate(nnstain_trainer_bytes_published_total[$__rate_interval]))", "{{topic}}")], 12, 16,
          unit="Bps"),
])

pipeline = dashboard("nnstain-pipeline", "nn-staining · Pipeline",
    "Throughput per topic, consumer lag, assembly latency, dead letters and the services' working times.", [
    panel(1, "Records consumed per second, by topic (collector)",
          [("sum by (topic) (rate(nnstain_collector_records_consumed_total[$__rate_interval]))", "{{topic}}")], 0, 0),
    panel(2, "Consumer lag (records)", [
        ("nnstain_collector_consumer_lag", "collector"), ("nnstain_analyzer_consumer_lag", "analyzer"),
        ("nnstain_viz_consumer_lag", "viz")], 12, 0),
    panel(3, "Assembly latency (EpochSealed → stored and announced)", [
        ('nnstain_collector_assembly_latency_seconds{quantile="0.5"}', "p50"),
        ('nnstain_collector_assembly_latency_seconds{quantile="0.95"}', "p95"),
        ("nnstain_collector_assembly_latency_seconds_max", "slowest recent")], 0, 8, unit="s"),
    panel(4, "Epochs assembled, rows written, duplicates skipped (per second)", [
        ("rate(nnstain_collector_epochs_assembled_total[$__rate_interval])", "epochs"),
        ("rate(nnstain_collector_rows_written_total[$__rate_interval])", "rows"),
        ("rate(nnstain_collector_duplicates_skipped_total[$__rate_interval])", "duplicates skipped")], 12, 8),
    panel(5, "Dead letters (total)", [
        ("nnstain_collector_dead_letters_total", "collector"), ("nnstain_analyzer_dead_letters_total", "analyzer"),
        ("nnstain_viz_dead_letters_total", "viz")], 0, 16, w=8, kind="stat"),
    panel(6, "Analysis time per epoch", [
        ('nnstain_analyzer_analysis_time_seconds{quantile="0.5"}', "p50"),
        ('nnstain_analyzer_analysis_time_seconds{quantile="0.95"}', "p95")], 8, 16, w=8, unit="s"),
    panel(7, "Render time (p95) and UI clients", [
        ('nnstain_viz_render_time_seconds{quantile="0.95"}', "{{picture}} {{format}}"),
        ("nnstain_viz_ui_clients", "UI clients")], 16, 16, w=8),
], variables=False)

structures = dashboard("nnstain-structures", "nn-staining · Structures",
    "Per class: how stable its structure is from epoch to epoch, when it settled, and what silencing it costs.", [
    panel(1, "Structure stability per class (overlap with the previous epoch)",
          [(f"nnstain_analyzer_structure_stability{R}", "{{run}} {{class}}")], 0, 0, w=24, unit="percentunit"),
    panel(2, "Settling epoch per class", [(f"nnstain_analyzer_settling_epoch{R}", "{{run}} {{class}}")], 0, 8,
          kind="bargauge"),
    panel(3, "Ablation: accuracy lost when a class's structure is silenced", [
        (f'nnstain_analyzer_ablation_effect{{run=~"$run", on="class"}}', "{{run}} {{class}} on the class"),
        (f'nnstain_analyzer_ablation_effect{{run=~"$run", on="others"}}', "{{run}} {{class}} on the others")],
          12, 8, kind="bargauge", unit="percentunit"),
])

out = os.path.join(os.path.dirname(os.path.abspath(__file__)), "dashboards")
os.makedirs(out, exist_ok=True)
for name, d in [("training", training), ("pipeline", pipeline), ("structures", structures)]:
    with open(os.path.join(out, name + ".json"), "w") as f:
        json.dump(d, f, indent=2, ensure_ascii=False)
        f.write("\n")
print("wrote", out)
