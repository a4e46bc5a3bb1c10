"""SNOMED CT concepts for the long-term conditions the synthetic city records.

Source: SNOMED CT International Edition (included in the UK Edition). Each
concept id was cross-checked against public value sets and FHIR examples that
use it; each term is the concept's preferred term or a common synonym, in UK
English spelling. Only the codes are facts: how often each condition occurs in
the synthetic city is a modelling choice made in `clinical.py`, not data taken
from anywhere.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Concept:
    """A SNOMED CT concept id with the term shown to staff."""

    code: str
    term: str


HYPERTENSION = Concept("38341003", "Hypertension")
TYPE_2_DIABETES = Concept("44054006", "Type 2 diabetes mellitus")
TYPE_1_DIABETES = Concept("46635009", "Type 1 diabetes mellitus")
PREDIABETES = Concept("714628002", "Prediabetes")
HYPERLIPIDAEMIA = Concept("55822004", "Hyperlipidaemia")
OBESITY = Concept("414916001", "Obesity")
HYPOTHYROIDISM = Concept("40930008", "Hypothyroidism")
VITAMIN_D_DEFICIENCY = Concept("34713006", "Vitamin D deficiency")

ASTHMA = Concept("195967001", "Asthma")
COPD = Concept("13645005", "Chronic obstructive pulmonary disease")
ALLERGIC_RHINITIS = Concept("61582004", "Allergic rhinitis")

ATRIAL_FIBRILLATION = Concept("49436004", "Atrial fibrillation")
HEART_FAILURE = Concept("84114007", "Heart failure")
ISCHAEMIC_HEART_DISEASE = Concept("414545008", "Ischaemic heart disease")
PERIPHERAL_VASCULAR_DISEASE = Concept("400047006", "Peripheral vascular disease")
STROKE = Concept("230690007", "Cerebrovascular accident")
TRANSIENT_ISCHAEMIC_ATTACK = Concept("266257000", "Transient ischaemic attack")
VARICOSE_VEINS = Concept("72866009", "Varicose veins of lower limb")
ANAEMIA = Concept("271737000", "Anaemia")

CHRONIC_KIDNEY_DISEASE = Concept("709044004", "Chronic kidney disease")
URINARY_INCONTINENCE = Concept("165232002", "Urinary incontinence")
BENIGN_PROSTATIC_HYPERPLASIA = Concept("266569009", "Benign prostatic hyperplasia")

DEMENTIA = Concept("52448006", "Dementia")
PARKINSONS_DISEASE = Concept("49049000", "Parkinson's disease")
EPILEPSY = Concept("84757009", "Epilepsy")
MIGRAINE = Concept("37796009", "Migraine")
INTELLECTUAL_DISABILITY = Concept("110359009", "Intellectual disability")
AUTISM = Concept("35919005", "Autism spectrum disorder")
ADHD = Concept("406506008", "Attention deficit hyperactivity disorder")
CARPAL_TUNNEL_SYNDROME = Concept("57406009", "Carpal tunnel syndrome")

DEPRESSION = Concept("35489007", "Depressive disorder")
ANXIETY = Concept("197480006", "Anxiety disorder")
SCHIZOPHRENIA = Concept("58214004", "Schizophrenia")
BIPOLAR_DISORDER = Concept("13746004", "Bipolar disorder")
INSOMNIA = Concept("193462001", "Insomnia")

OSTEOARTHRITIS = Concept("396275006", "Osteoarthritis")
OSTEOPOROSIS = Concept("64859006", "Osteoporosis")
OSTEOPENIA = Concept("312894000", "Osteopenia")
RHEUMATOID_ARTHRITIS = Concept("69896004", "Rheumatoid arthritis")
GOUT = Concept("90560007", "Gout")
LOW_BACK_PAIN = Concept("279039007", "Low back pain")
SCIATICA = Concept("23056005", "Sciatica")
CHRONIC_PAIN = Concept("82423001", "Chronic pain")

GORD = Concept("235595009", "Gastro-oesophageal reflux disease")
IRRITABLE_BOWEL_SYNDROME = Concept("10743008", "Irritable bowel syndrome")
DIVERTICULAR_DISEASE = Concept("397881000", "Diverticular disease")
HIATUS_HERNIA = Concept("84089009", "Hiatus hernia")

ECZEMA = Concept("43116000", "Eczema")
PSORIASIS = Concept("9014002", "Psoriasis")
ACNE = Concept("88616000", "Acne vulgaris")
PRESSURE_ULCER = Concept("399912005", "Pressure ulcer")

HEARING_LOSS = Concept("15188001", "Hearing loss")
TINNITUS = Concept("60862001", "Tinnitus")
VISUAL_IMPAIRMENT = Concept("397540003", "Visual impairment")
CATARACT = Concept("193570009", "Cataract")
GLAUCOMA = Concept("23986001", "Glaucoma")
MACULAR_DEGENERATION = Concept("267718000", "Age-related macular degeneration")

BREAST_CANCER = Concept("254837009", "Malignant neoplasm of breast")
PROSTATE_CANCER = Concept("399068003", "Malignant tumour of prostate")
COLON_CANCER = Concept("363406005", "Malignant neoplasm of colon")

FALLS = Concept("161898004", "Falls")
FRAILTY = Concept("248279007", "Frailty")
