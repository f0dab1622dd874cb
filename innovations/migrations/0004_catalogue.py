"""The catalogue's narrow table (one row per innovation with what the facets count) and its version token, filled
from the existing innovations. After this migration innovations.catalogue.refresh keeps them current."""

import uuid

import django.db.models.deletion
from django.db import migrations, models


def _tokens(values):
    unique = sorted(set(values) - {""})
    return f" {' '.join(unique)} " if unique else ""


def fill(apps, schema_editor):
    """The same derivation as innovations.catalogue.entries, frozen here as migrations must be."""
    Innovation = apps.get_model("innovations", "Innovation")
    Classification = apps.get_model("innovations", "Classification")
    Partnership = apps.get_model("innovations", "Partnership")
    CatalogueEntry = apps.get_model("innovations", "CatalogueEntry")
    CatalogueVersion = apps.get_model("innovations", "CatalogueVersion")
    ids = list(Innovation.objects.order_by("pk").values_list("pk", flat=True))
    for start in range(0, len(ids), 2000):
        batch = ids[start : start + 2000]
        multi = {"types": {}, "themes": {}, "partner_kinds": {}}
        for pk, code in Classification.objects.filter(innovation_id__in=batch, dimension="type").values_list(
            "innovation_id", "code"
        ):
            multi["types"].setdefault(pk, []).append(code)
        for pk, slug in Innovation.themes.through.objects.filter(innovation_id__in=batch).values_list(
            "innovation_id", "theme__slug"
        ):
            multi["themes"].setdefault(pk, []).append(slug)
        for pk, kind in Partnership.objects.filter(innovation_id__in=batch).values_list(
            "innovation_id", "organisation__kind"
        ):
            multi["partner_kinds"].setdefault(pk, []).append(kind)
        rows = Innovation.objects.filter(pk__in=batch).values_list(
            "pk", "status", "owner_id", "stage", "novelty", "owner__kind", "owner__region__code"
        )
        CatalogueEntry.objects.bulk_create(
            [
                CatalogueEntry(
                    innovation_id=pk,
                    status=status,
                    owner_id=owner_id,
                    stage=stage,
                    novelty=novelty,
                    owner_kind=kind,
                    region=region or "",
                    **{name: _tokens(values.get(pk, ())) for name, values in multi.items()},
                )
                for pk, status, owner_id, stage, novelty, kind, region in rows
            ],
            batch_size=500,
        )
    CatalogueVersion.objects.create(pk=1, token=uuid.uuid4().hex)


class Migration(migrations.Migration):
    dependencies = [
        ("innovations", "0003_search_fulltext_index"),
        ("organisations", "0001_initial"),
        ("core", "0001_initial"),
    ]

    operations = [
        migrations.CreateModel(
            name="CatalogueVersion",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("token", models.CharField(max_length=32)),
            ],
        ),
        migrations.CreateModel(
            name="CatalogueEntry",
            fields=[
                (
                    "innovation",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.CASCADE,
                        primary_key=True,
                        related_name="catalogue_entry",
                        serialize=False,
                        to="innovations.innovation",
                    ),
                ),
                ("status", models.CharField(max_length=16)),
                ("stage", models.CharField(max_length=16)),
                ("novelty", models.CharField(max_length=16)),
                ("owner_kind", models.CharField(max_length=32)),
                ("region", models.CharField(blank=True, max_length=2)),
                ("types", models.CharField(blank=True, max_length=200)),
                ("themes", models.TextField(blank=True)),
                ("partner_kinds", models.CharField(blank=True, max_length=400)),
                (
                    "owner",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="organisations.organisation",
                    ),
                ),
            ],
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
    ]
